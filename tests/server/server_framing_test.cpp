// Where a request ends, as the REAL chasqui-server's connection gate sees
// it: framing it would have to guess at is refused (so no request can be
// smuggled inside another), a declared body over the endpoint's limit is
// refused before it is read, and well-framed requests, pipelined or
// chunked, are answered in order.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "tests/server/raw_connections.hpp"
#include "tests/server/server_harness.hpp"

using namespace chasqui;
using namespace chasqui::test;
using std::chrono::milliseconds;

namespace {

// Sends `request` on a new connection and reads until the server closes.
std::string roundTrip(int port, const std::string& request) {
    RawConnection c("127.0.0.1", port);
    REQUIRE(c.send(request) == static_cast<long>(request.size()));
    REQUIRE(c.closedWithin(milliseconds(5000)));
    return c.received();
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("ambiguous framing is refused; pipelined and chunked requests are answered in order") {
    TempDir tmp;
    ServerProcess server(tmp.path() / "server");
    const int port = server.port();

    // Both Content-Length and chunked: which one ends the body is a guess.
    const std::string both = roundTrip(port,
                                       "POST /v1/enroll HTTP/1.1\r\nHost: x\r\nChasqui-Protocol: 1\r\n"
                                       "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    CHECK(both.find("HTTP/1.1 400 ") == 0);
    CHECK(both.find("\"bad_request\"") != std::string::npos);
    // Two different lengths.
    const std::string twice = roundTrip(port,
                                        "POST /v1/enroll HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                                        "Content-Length: 40\r\n\r\n{}");
    CHECK(twice.find("HTTP/1.1 400 ") == 0);
    // An enrollment announcing 1 MiB is refused on its headers alone.
    const std::string big = roundTrip(port,
                                      "POST /v1/enroll HTTP/1.1\r\nHost: x\r\nChasqui-Protocol: 1\r\n"
                                      "Content-Length: 1048576\r\n\r\n{");
    CHECK(big.find("HTTP/1.1 413 ") == 0);
    CHECK(big.find("\"too_large\"") != std::string::npos);
    // A header block that never ends is cut at 16 KiB.
    const std::string endless = roundTrip(port, "GET /v1/health HTTP/1.1\r\nX-Pad: " + std::string(20'000, 'a'));
    CHECK(endless.find("HTTP/1.1 413 ") == 0);

    // Three requests in one write, the middle one chunked: three answers, in order.
    const std::string pipelined =
        roundTrip(port,
                  "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n"
                  "POST /v1/enroll HTTP/1.1\r\nHost: x\r\nChasqui-Protocol: 1\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "1\r\n[\r\n1\r\n]\r\n0\r\n\r\n"
                  "GET /v1/nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK(count(pipelined, "HTTP/1.1 ") == 3);
    const auto ok = pipelined.find("HTTP/1.1 200 ");
    const auto bad = pipelined.find("HTTP/1.1 400 ");  // [] is not an enrollment object
    const auto missing = pipelined.find("HTTP/1.1 404 ");
    CHECK(ok < bad);
    CHECK(bad < missing);
    CHECK(missing != std::string::npos);

    auto health = server.client().Get("/v1/health");
    REQUIRE(health);
    CHECK(health->status == 200);
}
