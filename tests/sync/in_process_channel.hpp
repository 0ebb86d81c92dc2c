#pragma once
// A ServerChannel that calls a ServerCore in this process, checking the
// batch's signature, sealing and opening exactly as the HTTP server does, with one-shot faults: the request
// lost before the server saw it, the answer lost after the server applied it,
// or the request delivered twice.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync/client/kiosk_sync.hpp"
#include "sync/client/server_channel.hpp"
#include "sync/protocol/change_codec.hpp"
#include "sync/protocol/sealed_box.hpp"
#include "sync/server/core/batch_verifier.hpp"
#include "sync/server/core/server_core.hpp"
#include "sync/server/http/http_errors.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/test_store.hpp"

namespace chasqui::test {

enum class ChannelFault { None, LoseRequest, LoseAnswer, Duplicate };

class InProcessChannel final : public sync::ServerChannel {
public:
    InProcessChannel(sync::ServerCore*& server, sync::DeviceInfo device)
        : m_server(server), m_device(std::move(device)) {}
    void setFault(ChannelFault fault) { m_fault = fault; }

    sync::SyncResult<std::vector<sync::PushItem>> push(const std::string& sealed) override {
        const ChannelFault fault = take();
        if (fault == ChannelFault::LoseRequest) return lost();
        auto verified = sync::verifyPushBody(sealed, m_device);
        if (!verified) return answered(sync::SyncErrorCode::Unauthorized, verified.error());
        auto opened = sync::openCompressed(*verified, m_server->publicKey(), m_server->secretKey());
        if (!opened) return sync::syncFail(sync::SyncErrorCode::HttpError, opened.error().message, 400, "bad_request");
        const auto body = nlohmann::json::parse(*opened);
        auto changes = sync::splitColumns(body.at("columns"));
        if (!changes) return answered(sync::SyncErrorCode::HttpError, changes.error());
        auto summary = m_server->push(m_device, *changes);
        if (fault == ChannelFault::Duplicate) summary = m_server->push(m_device, *changes);
        if (!summary) return answered(sync::SyncErrorCode::HttpError, summary.error());
        if (fault == ChannelFault::LoseAnswer) return lost();
        // What HttpServerChannel makes of the server's answer: counts, and the quarantined by name.
        std::vector<sync::PushItem> out;
        if (summary->applied > 0) out.push_back({{}, "applied", {}, {}, summary->applied});
        if (summary->duplicates > 0) out.push_back({{}, "duplicate", {}, {}, summary->duplicates});
        for (const auto& r : summary->quarantined)
            out.push_back({r.id, "quarantined", std::string(sync::wireErrorFor(r.code).code), r.message, 1});
        return out;
    }

    sync::SyncResult<sync::PulledPage> pull(const std::string& cursor, std::size_t limit) override {
        const ChannelFault fault = take();
        if (fault == ChannelFault::LoseRequest) return lost();
        auto page = m_server->pull(m_device, cursor, limit);
        if (!page) return answered(sync::SyncErrorCode::HttpError, page.error());
        const nlohmann::json body = {{"columns", sync::encodeColumns(page->changes)}};
        auto sealed = sync::sealCompressed(body.dump(), m_device.publicKey);
        if (!sealed) return sync::syncFail(sync::SyncErrorCode::Internal, sealed.error().message);
        if (fault == ChannelFault::LoseAnswer) return lost();
        return sync::PulledPage{*sealed, page->nextCursor, page->more};
    }

    // Every real answer carries the server's time (Chasqui-Server-Time).
    std::int64_t serverTimeMs() const override { return m_server->nowMs(); }

private:
    ChannelFault take() {
        const ChannelFault f = m_fault;
        m_fault = ChannelFault::None;
        return f;
    }
    // The server's error as HttpServerChannel would read it from the HTTP answer.
    static std::unexpected<sync::SyncError> answered(sync::SyncErrorCode as, const sync::SyncError& e) {
        const sync::WireError wire = sync::wireErrorFor(e.code);
        return sync::syncFail(as, e.message, wire.status, std::string(wire.code));
    }
    static std::unexpected<sync::SyncError> lost() {
        return sync::syncFail(sync::SyncErrorCode::Offline, "the link dropped (injected fault)");
    }
    sync::ServerCore*& m_server;  // reopened by "server restarts"
    sync::DeviceInfo m_device;
    ChannelFault m_fault = ChannelFault::None;
};

// A real ServerCore in a temporary directory (on PostgreSQL under sync_pg)
// and a kiosk store enrolled with it in `office`, ready to sync through
// `channel`.
struct EnrolledKiosk {
    explicit EnrolledKiosk(const std::string& office = "TUM") {
        auto opened = sync::ServerCore::open(serverLocationFor(serverDir.path() / "server"), serverClock);
        REQUIRE_MESSAGE(opened.has_value(), (opened ? std::string() : opened.error().message));
        server = std::move(*opened);
        serverPtr = server.get();
        auto code = server->issueEnrollCode(office);
        REQUIRE(code.has_value());
        auto publicKey = sync::devicePublicKeys(*kiosk);
        REQUIRE(publicKey.has_value());
        auto enrolled = server->enroll(*code, kiosk->session().deviceId, *publicKey);
        REQUIRE(enrolled.has_value());
        REQUIRE(sync::setServerPublicKey(*kiosk, server->publicKey()).has_value());
        auto authenticated = server->authenticate(enrolled->token);
        REQUIRE(authenticated.has_value());
        device = *authenticated;
        channel = std::make_unique<InProcessChannel>(serverPtr, device);
    }
    std::int64_t serverChanges() const {
        auto status = server->status();
        REQUIRE(status.has_value());
        return status->counts.changes;
    }
    std::int64_t kioskChanges() {
        auto n = kiosk->db().scalarInt("SELECT count(*) FROM changes");
        REQUIRE(n.has_value());
        return *n;
    }

    TempDir serverDir;
    storage::ManualClock serverClock{kTestNowMs};
    std::unique_ptr<sync::ServerCore> server;
    sync::ServerCore* serverPtr = nullptr;
    TestStore kiosk;
    sync::DeviceInfo device;  // as the server authenticated it
    std::unique_ptr<InProcessChannel> channel;
};

}  // namespace chasqui::test
