#pragma once
// The kiosk's side of the HTTP API (sync/PROTOCOL.md section 4) over an
// HttpTransport: health, enrollment, the ServerChannel used by syncNow and
// the CatalogChannel used by pullCatalog. Every answer is decoded and checked
// by sync/client/server_answers.hpp; each endpoint caps the bytes it reads.
// Not thread-safe (the transport is not); owned by the sync worker. A
// companion() has a transport of its own and may push on another thread.
#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "sync/client/catalog_pull.hpp"
#include "sync/client/http_transport.hpp"
#include "sync/client/server_answers.hpp"
#include "sync/client/server_channel.hpp"
#include "sync/protocol/batch_signature.hpp"

namespace chasqui::sync {

class HttpServerChannel final : public ServerChannel, public CatalogChannel {
public:
    HttpServerChannel(HttpTransport& transport, std::string baseUrl, std::string deviceToken = {});
    void setDeviceToken(std::string token) { m_token = std::move(token); }

    // CaptivePortal when something answered 200 that is not a Chasqui server.
    SyncResult<HealthInfo> health();
    SyncResult<EnrollmentAnswer> enroll(const std::string& code, const std::string& deviceId,
                                        const DevicePublicKeys& keys, const std::string& office);
    SyncResult<std::vector<PushItem>> push(const std::string& sealedBatch) override;
    SyncResult<PulledPage> pull(const std::string& cursor, std::size_t limit) override;
    // GET /v1/catalog?version=V (public: works before enrollment too). nullopt
    // on 304 and on 404 `not_found` (nothing published). TooLarge over
    // storage::kMaxCatalogBytes; BadResponse when the answer names no version.
    SyncResult<std::optional<FetchedCatalog>> fetchCatalog(const std::string& knownVersion) override;

    std::unique_ptr<ServerChannel> companion() override;

    // Its companions' bytes included.
    std::uint64_t bytesSent() const { return m_bytes->sent; }
    std::uint64_t bytesReceived() const { return m_bytes->received; }
    std::int64_t serverTimeMs() const override { return m_serverTimeMs; }

private:
    struct ByteCounts {
        std::atomic<std::uint64_t> sent{0};
        std::atomic<std::uint64_t> received{0};
    };
    HttpServerChannel(std::unique_ptr<HttpTransport> own, std::string baseUrl, std::string deviceToken,
                      std::shared_ptr<ByteCounts> bytes);

    SyncResult<HttpResponse> exchange(HttpRequest request, std::size_t maxAnswerBytes);
    // Keeps a well-formed Chasqui-Server-Time header; anything else is ignored.
    void noteServerTime(const std::string& header);
    std::int64_t m_serverTimeMs = 0;
    std::unique_ptr<HttpTransport> m_ownTransport;  // a companion's; empty otherwise
    HttpTransport& m_transport;
    std::string m_base;
    std::string m_token;
    std::shared_ptr<ByteCounts> m_bytes = std::make_shared<ByteCounts>();  // shared with companions
};

}  // namespace chasqui::sync
