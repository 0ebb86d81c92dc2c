#pragma once
// HttpTransport over libcurl, tuned for kiosks on 2G links.
//
// Security: TLS certificate and host-name verification are always on and
// there is deliberately no option to turn them off. Plain http:// is accepted
// only for loopback hosts (127.0.0.0/8, localhost, [::1]) so tests and demos
// can run a local server; any other http:// URL is refused before a socket is
// opened. An optional public-key pin (CURLOPT_PINNEDPUBLICKEY) guards against
// a rogue CA on hostile networks.
//
// Ownership and threading: one CurlTransport owns one libcurl easy handle that
// is reused across requests so the connection (and TLS session) stays alive
// between them - a TLS handshake costs several seconds on 2G. An instance is
// NOT thread-safe: use it from one thread at a time (the sync worker). Separate
// instances may run on separate threads.
#include <chrono>
#include <cstddef>
#include <string>

#include "sync/client/http_transport.hpp"

namespace chasqui::sync {

struct CurlOptions {
    std::string caFile{};           // PEM bundle to trust instead of the system store; empty = system
    std::string pinnedPublicKey{};  // "sha256//<base64>[;sha256//...]"; empty = no pin
    // Seconds; 0 means libcurl's default (300 s to connect, no total limit).
    long connectTimeoutS = 20;  // DNS + TCP + TLS handshake
    // Abort when fewer than lowSpeedLimitBytes/s arrive for lowSpeedTimeS
    // seconds: a stalled 2G link is given up on instead of hanging for ever.
    long lowSpeedLimitBytes = 100;
    long lowSpeedTimeS = 60;
    long totalTimeoutS = 600;  // whole exchange, upload and download
    // Largest decoded response body accepted. Also bounds what a decompression
    // bomb or a misbehaving portal can make the kiosk hold in memory.
    std::size_t maxResponseBytes = std::size_t{8} * 1024 * 1024;
    // When set, no exchange lasts past it: each one's total timeout is cut to
    // the time left, and one started after it fails at once with Timeout. A
    // sync run sets it, so a server that answers slowly but never stops cannot
    // hold a kiosk for longer than the run's budget (SpoolLimits::maxRunTime).
    std::chrono::steady_clock::time_point deadline{};
};

class CurlTransport final : public HttpTransport {
public:
    explicit CurlTransport(CurlOptions options = {});
    ~CurlTransport() override;
    CurlTransport(const CurlTransport&) = delete;
    CurlTransport& operator=(const CurlTransport&) = delete;

    // Errors: Offline (resolve/connect failed or the link dropped mid-transfer),
    // Timeout, TlsFailure (also for an http:// URL to a non-loopback host),
    // PinMismatch, TooLarge, BadResponse (undecodable answer), Internal (bad
    // URL or request, libcurl failure).
    SyncResult<HttpResponse> send(const HttpRequest& request) override;
    // Same options (TLS trust, pin, limits, the run's deadline), its own handle.
    std::unique_ptr<HttpTransport> another() const override;

private:
    CurlOptions m_options;
    void* m_curl = nullptr;  // CURL*; kept opaque so users of this header need no curl.h
};

}  // namespace chasqui::sync
