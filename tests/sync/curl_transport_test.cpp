// CurlTransport against a real cpp-httplib server started in this process on
// 127.0.0.1, directly and through the FaultProxy (cuts, stalls, latency,
// bandwidth). No certificates exist here, so TLS handshakes are not covered;
// the TLS policy is checked through what the options allow and what happens
// before a connection is made.
#include <httplib.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "sync/client/curl_transport.hpp"
#include "sync/client/health_check.hpp"
#include "tests/support/fault_proxy.hpp"

namespace chasqui::sync {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;
using test::FaultProxy;
using test::Faults;

constexpr const char* kHealthJson =
    R"({"service": "chasqui", "protocol": 1, "server_time_ms": 1749988800000, "server_public_key": "AAAA"})";
constexpr const char* kPortalHtml =
    "<!DOCTYPE html><html><head><title>WiFi Gratis</title></head><body><form action=/login>"
    "<input name=email><button>Conectar</button></form></body></html>";

std::string pattern(std::size_t size) {
    std::string data(size, '\0');
    for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<char>('a' + (i * 7 + i / 26) % 26);
    return data;
}

std::string gzipText() {
    std::string text;
    for (int i = 0; i < 2000; ++i) text += "Chasqui carries the records of people on the move. ";
    return text;
}

std::string gzip(const std::string& input) {
    z_stream stream{};
    // windowBits 15 + 16: a gzip wrapper rather than raw zlib.
    REQUIRE(deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string output(deflateBound(&stream, static_cast<uLong>(input.size())), '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    stream.avail_in = static_cast<uInt>(input.size());
    stream.next_out = reinterpret_cast<Bytef*>(output.data());
    stream.avail_out = static_cast<uInt>(output.size());
    REQUIRE(deflate(&stream, Z_FINISH) == Z_STREAM_END);
    output.resize(stream.total_out);
    deflateEnd(&stream);
    return output;
}

// The server of these tests. Routes stand in for the real endpoints and for
// the odd answers a 2G kiosk meets in the field.
class TestServer {
public:
    TestServer() {
        m_server.set_keep_alive_timeout(1);
        m_server.Get("/v1/health", [](const httplib::Request&, httplib::Response& res) {
            res.set_content(kHealthJson, "application/json");
        });
        m_server.Get("/portal", [](const httplib::Request&, httplib::Response& res) {
            res.set_content(kPortalHtml, "text/html");
        });
        // octet-stream: httplib compresses text types on its own, which would
        // stack a second encoding on top of ours.
        m_server.Get("/gzip", [](const httplib::Request&, httplib::Response& res) {
            res.set_content(gzip(gzipText()), "application/octet-stream");
            res.set_header("Content-Encoding", "gzip");
        });
        m_server.Get("/large", [](const httplib::Request& req, httplib::Response& res) {
            res.set_content(pattern(std::stoul(req.get_param_value("bytes"))), "application/octet-stream");
        });
        // Chunked: no Content-Length tells the client the size in advance.
        m_server.Get("/large-chunked", [](const httplib::Request& req, httplib::Response& res) {
            const std::size_t total = std::stoul(req.get_param_value("bytes"));
            res.set_chunked_content_provider(
                "application/octet-stream", [total](std::size_t offset, httplib::DataSink& sink) {
                    const std::string piece = pattern(std::min<std::size_t>(4096, total - offset));
                    sink.write(piece.data(), piece.size());
                    if (offset + piece.size() >= total) sink.done();
                    return true;
                });
        });
        m_server.Get("/headers", [](const httplib::Request&, httplib::Response& res) {
            res.set_header("Chasqui-Next-Cursor", "c-42");
            res.set_header("Chasqui-More", "1");
            res.set_content("{}", "application/octet-stream");
        });
        const auto echo = [](const httplib::Request& req, httplib::Response& res) {
            res.set_header("X-Method", req.method);
            res.set_header("X-Content-Type", req.get_header_value("Content-Type"));
            res.set_header("X-Client", req.get_header_value("X-Client"));
            res.set_content(req.body, "application/octet-stream");
        };
        m_server.Post("/echo", echo);
        m_server.Put("/echo", echo);
        m_server.Post("/v1/push", [](const httplib::Request&, httplib::Response& res) {
            res.status = 401;
            res.set_content(R"({"error": {"code": "unauthorized", "message": "enroll again"}})",
                            "application/octet-stream");
        });
        // Answers only when the test ends: a server that never gets round to it.
        m_server.Get("/slow", [this](const httplib::Request&, httplib::Response& res) {
            std::unique_lock lock(m_slowMutex);
            m_slowReleased.wait_for(lock, 60s, [this] { return m_released; });
            res.set_content("late", "text/plain");
        });
        m_port = m_server.bind_to_any_port("127.0.0.1");
        REQUIRE(m_port > 0);
        // Listening already: connections queue in the backlog until this runs.
        m_thread = std::thread([this] { m_server.listen_after_bind(); });
    }
    ~TestServer() {
        {
            std::lock_guard lock(m_slowMutex);
            m_released = true;
        }
        m_slowReleased.notify_all();
        m_server.stop();
        m_thread.join();
    }
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    std::uint16_t port() const { return static_cast<std::uint16_t>(m_port); }
    std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(m_port) + path; }

private:
    httplib::Server m_server;
    int m_port = 0;
    std::mutex m_slowMutex;
    std::condition_variable m_slowReleased;
    bool m_released = false;
    std::thread m_thread;
};

// A port nothing listens on (bound, then released).
std::uint16_t closedPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    ::close(fd);
    return ntohs(address.sin_port);
}

HttpRequest get(std::string url) {
    return HttpRequest{"GET", std::move(url), {}, {}};
}

double secondsSince(SteadyClock::time_point start) {
    return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// Counts the members of an aggregate: T{any, any, ...} compiles up to N.
struct AnyField {
    template <typename T>
    operator T() const;  // NOLINT: unevaluated only
};
template <typename T, std::size_t... I>
constexpr bool bracesWith(std::index_sequence<I...>) {
    return requires { T{(static_cast<void>(I), AnyField{})...}; };
}
template <typename T, std::size_t N = 0>
constexpr std::size_t fieldCount() {
    if constexpr (bracesWith<T>(std::make_index_sequence<N + 1>{}))
        return fieldCount<T, N + 1>();
    else
        return N;
}
template <typename T>
concept HasVerifySwitch = requires(T t) { t.verifyPeer; } || requires(T t) { t.verifyHost; } || requires(T t) {
    t.insecure;
} || requires(T t) { t.skipVerify; } || requires(T t) { t.sslVerifyPeer; } || requires(T t) { t.allowInsecure; };

}  // namespace

TEST_SUITE("curl_transport") {
    TEST_CASE("GET and POST round trips") {
        TestServer server;
        CurlTransport transport;

        auto health = transport.send(get(server.url("/v1/health")));
        REQUIRE(health.has_value());
        CHECK(health->status == 200);
        CHECK(looksLikeChasquiHealth(health->body));
        CHECK(health->bytesSent > 0);
        CHECK(health->bytesReceived > 0);

        std::string binary = pattern(50'000);
        binary[10] = '\0';
        binary[11] = '\r';
        auto posted = transport.send(HttpRequest{"POST", server.url("/echo"), {{"X-Client", "kiosk-7"}}, binary});
        REQUIRE(posted.has_value());
        CHECK(posted->status == 200);
        CHECK(posted->body == binary);
        CHECK(posted->header("X-Method") == "POST");
        CHECK(posted->header("X-Client") == "kiosk-7");
        // Not curl's form encoding: the body is opaque bytes unless said otherwise.
        CHECK(posted->header("X-Content-Type") == "application/octet-stream");
        CHECK(posted->bytesSent > binary.size());

        auto put =
            transport.send(HttpRequest{"PUT", server.url("/echo"), {{"Content-Type", "application/json"}}, "{}"});
        REQUIRE(put.has_value());
        CHECK(put->header("X-Method") == "PUT");
        CHECK(put->header("X-Content-Type") == "application/json");
        CHECK(put->body == "{}");
    }

    TEST_CASE("header lookup is case-insensitive") {
        TestServer server;
        CurlTransport transport;
        auto response = transport.send(get(server.url("/headers")));
        REQUIRE(response.has_value());
        CHECK(response->header("chasqui-next-cursor") == "c-42");
        CHECK(response->header("CHASQUI-MORE") == "1");
        CHECK(response->header("Content-Length") == "2");
        CHECK(response->header("Chasqui-Absent") == "");
    }

    TEST_CASE("a gzip body is decoded transparently") {
        TestServer server;
        CurlTransport transport;
        auto response = transport.send(get(server.url("/gzip")));
        REQUIRE(response.has_value());
        CHECK(response->header("Content-Encoding") == "gzip");
        CHECK(response->body == gzipText());
        // The wire carried the compressed form.
        CHECK(response->bytesReceived < gzipText().size() / 10);
    }

    TEST_CASE("an error status is a response, not a transport failure") {
        TestServer server;
        CurlTransport transport;
        auto response = transport.send(HttpRequest{"POST", server.url("/v1/push"), {}, "sealed"});
        REQUIRE(response.has_value());
        CHECK(response->status == 401);
        CHECK(response->body.find("unauthorized") != std::string::npos);
    }

    TEST_CASE("plain http:// to a non-loopback host is refused before connecting") {
        CurlTransport transport;
        for (const std::string url :
             {"http://192.0.2.1/v1/health", "http://example.org/", "http://127.0.0.1.nip.io/",
              "http://localhost.example.org/", "http://[::2]/", "ftp://192.0.2.1/", "file:///etc/passwd"}) {
            CAPTURE(url);
            const auto start = SteadyClock::now();
            auto response = transport.send(get(url));
            // 192.0.2.1 is TEST-NET: a connect attempt would hang until the timeout.
            CHECK(secondsSince(start) < 1.0);
            REQUIRE_FALSE(response.has_value());
            CHECK(response.error().code == SyncErrorCode::TlsFailure);
            CHECK(response.error().message.find("https://") != std::string::npos);
            CHECK(response.error().message.find("not be encrypted") != std::string::npos);
        }
    }

    TEST_CASE("plain http:// to loopback hosts is allowed") {
        TestServer server;
        CurlTransport transport;
        auto viaName = transport.send(get("http://localhost:" + std::to_string(server.port()) + "/v1/health"));
        REQUIRE(viaName.has_value());
        CHECK(viaName->status == 200);
        const std::string port = std::to_string(closedPort());
        for (const std::string& url : {"http://127.0.0.2:" + port + "/", "http://[::1]:" + port + "/"}) {
            CAPTURE(url);
            auto response = transport.send(get(url));
            REQUIRE_FALSE(response.has_value());
            CHECK(response.error().code == SyncErrorCode::Offline);  // tried, not refused by policy
        }
    }

    TEST_CASE("TLS verification cannot be switched off") {
        // CurlOptions has exactly these 8 fields; a new one must be reviewed here
        // for whether it weakens TLS before this count is raised (the 8th, the
        // run's deadline, only shortens timeouts).
        static_assert(fieldCount<CurlOptions>() == 8);
        static_assert(!HasVerifySwitch<CurlOptions>);
        CurlOptions options;
        CHECK(options.pinnedPublicKey.empty());
        CHECK(options.caFile.empty());
    }

    TEST_CASE("https:// to a closed local port is Offline") {
        CurlTransport transport;
        auto response = transport.send(get("https://127.0.0.1:" + std::to_string(closedPort()) + "/v1/health"));
        REQUIRE_FALSE(response.has_value());
        CHECK(response.error().code == SyncErrorCode::Offline);
    }

    TEST_CASE("connection refused is Offline, in plain words") {
        CurlTransport transport;
        auto response = transport.send(get("http://127.0.0.1:" + std::to_string(closedPort()) + "/v1/health"));
        REQUIRE_FALSE(response.has_value());
        const SyncError& error = response.error();
        CHECK(error.code == SyncErrorCode::Offline);
        CHECK(std::string(syncErrorCodeName(error.code)) == "offline");
        CHECK(error.message.starts_with("No connection to the server (could not connect to 127.0.0.1)."));
        CHECK(error.message.find("will retry") != std::string::npos);
        CHECK(error.httpStatus == 0);
    }

    TEST_CASE("a response over maxResponseBytes is TooLarge") {
        TestServer server;
        CurlTransport transport(CurlOptions{.maxResponseBytes = 1000});
        SUBCASE("size known from Content-Length") {
            auto response = transport.send(get(server.url("/large?bytes=5000")));
            REQUIRE_FALSE(response.has_value());
            CHECK(response.error().code == SyncErrorCode::TooLarge);
            CHECK(response.error().message.find("1000 bytes") != std::string::npos);
        }
        SUBCASE("size found out while reading a chunked body") {
            auto response = transport.send(get(server.url("/large-chunked?bytes=5000")));
            REQUIRE_FALSE(response.has_value());
            CHECK(response.error().code == SyncErrorCode::TooLarge);
        }
        SUBCASE("exactly the limit is fine") {
            auto response = transport.send(get(server.url("/large-chunked?bytes=1000")));
            REQUIRE(response.has_value());
            CHECK(response->body == pattern(1000));
        }
    }

    TEST_CASE("a malformed request is refused without being sent") {
        CurlTransport transport;
        const std::string url = "http://127.0.0.1:" + std::to_string(closedPort()) + "/";
        auto injected = transport.send(HttpRequest{"GET", url, {{"X-A", "1\r\nX-B: 2"}}, {}});
        REQUIRE_FALSE(injected.has_value());
        CHECK(injected.error().code == SyncErrorCode::Internal);
        auto badMethod = transport.send(HttpRequest{"get it", url, {}, {}});
        REQUIRE_FALSE(badMethod.has_value());
        CHECK(badMethod.error().code == SyncErrorCode::Internal);
        auto notUrl = transport.send(get("not a url"));
        REQUIRE_FALSE(notUrl.has_value());
        CHECK(notUrl.error().code == SyncErrorCode::Internal);
    }

    TEST_CASE("a server that does not answer in time is Timeout") {
        TestServer server;
        CurlTransport transport(CurlOptions{.totalTimeoutS = 1});
        const auto start = SteadyClock::now();
        auto response = transport.send(get(server.url("/slow")));
        REQUIRE_FALSE(response.has_value());
        CHECK(response.error().code == SyncErrorCode::Timeout);
        CHECK(secondsSince(start) < 10.0);
    }

    TEST_CASE("a captive portal's 200 is not the health answer") {
        TestServer server;
        CurlTransport transport;
        auto response = transport.send(get(server.url("/portal")));
        REQUIRE(response.has_value());
        CHECK(response->status == 200);
        CHECK_FALSE(looksLikeChasquiHealth(response->body));
    }

    TEST_CASE("looksLikeChasquiHealth accepts only the health object") {
        CHECK(looksLikeChasquiHealth(kHealthJson));
        CHECK(looksLikeChasquiHealth(R"({"service":"chasqui","protocol":2})"));
        CHECK_FALSE(looksLikeChasquiHealth(""));
        CHECK_FALSE(looksLikeChasquiHealth(kPortalHtml));
        CHECK_FALSE(looksLikeChasquiHealth("{"));
        CHECK_FALSE(looksLikeChasquiHealth("[]"));
        CHECK_FALSE(looksLikeChasquiHealth(R"({"status":"ok"})"));
        CHECK_FALSE(looksLikeChasquiHealth(R"({"service":"other","protocol":1})"));
        CHECK_FALSE(looksLikeChasquiHealth(R"({"service":"chasqui"})"));
        CHECK_FALSE(looksLikeChasquiHealth(R"({"service":"chasqui","protocol":"1"})"));
        CHECK_FALSE(looksLikeChasquiHealth(R"({"service":"chasqui","protocol":1.5})"));
        CHECK_FALSE(looksLikeChasquiHealth(R"({"service":["chasqui"],"protocol":1})"));
    }

    TEST_CASE("one connection is kept alive across requests") {
        TestServer server;
        FaultProxy proxy(server.port());
        CurlTransport transport;
        for (int i = 0; i < 3; ++i) REQUIRE(transport.send(get(proxy.url() + "/v1/health")).has_value());
        CHECK(proxy.stats().connectionsAccepted == 1);
    }

    TEST_CASE("a connection cut mid-transfer is an error, never a truncated success") {
        TestServer server;
        FaultProxy proxy(server.port());
        CurlTransport transport;
        const std::string url = proxy.url() + "/large?bytes=100000";
        for (const std::uint64_t cut : {0ull, 10ull, 60ull, 200ull, 5000ull, 99'000ull}) {
            CAPTURE(cut);
            proxy.setFaults(Faults{.cutDownstreamAfter = cut});
            auto response = transport.send(get(url));
            REQUIRE_FALSE(response.has_value());
            CHECK(response.error().code == SyncErrorCode::Offline);
        }
        proxy.setFaults(Faults{.cutUpstreamAfter = 20'000});
        auto upload = transport.send(HttpRequest{"POST", proxy.url() + "/echo", {}, pattern(100'000)});
        REQUIRE_FALSE(upload.has_value());
        CHECK(upload.error().code == SyncErrorCode::Offline);
        // The same transport recovers once the link does.
        proxy.setFaults({});
        auto response = transport.send(get(url));
        REQUIRE(response.has_value());
        CHECK(response->body == pattern(100'000));
    }

    TEST_CASE("latency through the proxy delays the request both ways") {
        TestServer server;
        FaultProxy proxy(server.port(), Faults{.latency = 150ms});
        CurlTransport transport;
        const auto start = SteadyClock::now();
        auto response = transport.send(get(proxy.url() + "/v1/health"));
        REQUIRE(response.has_value());
        CHECK(secondsSince(start) >= 0.3);
    }

    TEST_CASE("the bandwidth cap slows a download") {
        TestServer server;
        FaultProxy proxy(server.port(), Faults{.downstreamBytesPerSecond = 200'000});
        CurlTransport transport;
        const auto start = SteadyClock::now();
        auto response = transport.send(get(proxy.url() + "/large?bytes=100000"));
        REQUIRE(response.has_value());
        CHECK(response->body.size() == 100'000);
        CHECK(secondsSince(start) >= 0.4);
    }

    TEST_CASE("transport byte counts match what crossed the wire") {
        TestServer server;
        FaultProxy proxy(server.port());
        CurlTransport transport;
        for (const std::size_t size : {0u, 1000u, 70'000u, 300'000u}) {
            CAPTURE(size);
            proxy.resetByteCounters();
            auto response = transport.send(HttpRequest{"POST", proxy.url() + "/echo", {}, pattern(size)});
            REQUIRE(response.has_value());
            const auto stats = proxy.stats();
            CHECK(response->bytesSent == stats.bytesUpstream);
            CHECK(response->bytesReceived == stats.bytesDownstream);
        }
        // Compressed and chunked answers count as they travelled, not as decoded.
        for (const std::string path : {"/gzip", "/large-chunked?bytes=100000", "/v1/health"}) {
            CAPTURE(path);
            proxy.resetByteCounters();
            auto response = transport.send(get(proxy.url() + path));
            REQUIRE(response.has_value());
            const auto stats = proxy.stats();
            CHECK(response->bytesSent == stats.bytesUpstream);
            CHECK(response->bytesReceived == stats.bytesDownstream);
        }
    }

    TEST_CASE("a stalled link is given up on as Timeout") {
        TestServer server;
        FaultProxy proxy(server.port(), Faults{.stallDownstreamAfter = 1000});
        CurlTransport transport(CurlOptions{.lowSpeedLimitBytes = 1, .lowSpeedTimeS = 1});
        const auto start = SteadyClock::now();
        auto response = transport.send(get(proxy.url() + "/large?bytes=100000"));
        REQUIRE_FALSE(response.has_value());
        CHECK(response.error().code == SyncErrorCode::Timeout);
        // libcurl judges the speed over a sliding window of about 5 s, so a stall
        // is noticed after up to ~5 s plus lowSpeedTimeS (about 6 s here).
        CHECK(secondsSince(start) < 20.0);
    }

}  // TEST_SUITE

}  // namespace chasqui::sync
