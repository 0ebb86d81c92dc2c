#pragma once
// What the end-to-end sync suites share: the real chasqui-server on a random
// loopback port, and kiosk stores opened in the test process (fast KDF) that
// talk to it over libcurl, plus ways to compare what two kiosks hold.
//
// Used by sync_e2e_test (CLI-driven convergence, concurrent edits),
// sync_cuts_test (the link cut at random bytes) and sync_stall_test (stalls,
// captive portals).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/base/clock.hpp"
#include "storage/db/personal_store.hpp"
#include "sync/client/kiosk_sync.hpp"
#include "tests/server/server_harness.hpp"

namespace chasqui::test::e2e {

storage::SystemClock& wallClock();

// CHASQUI_E2E_SEED when set, else a random seed (CAPTURE it).
std::mt19937_64::result_type e2eSeed();

// The real server on a random loopback port, with its admin token.
struct Server {
    TempDir tmp;
    std::filesystem::path data = tmp.path() / "server";
    ServerProcess process{data};
    std::string admin = adminToken(data);

    std::string url() const;
    std::uint16_t port() const { return static_cast<std::uint16_t>(process.port()); }
    nlohmann::json status() const;  // GET /v1/admin/status
    std::int64_t changes() const { return status().at("changes").get<std::int64_t>(); }
    // A fresh enrollment code for `office`, from `chasqui-server enroll-code`.
    std::string code(const std::string& office) const;
};

// A kiosk store opened in this process (fast KDF), enrolled through
// HttpServerChannel::enroll against the real server.
class Kiosk {
public:
    Kiosk(std::string login, const std::string& adminName, std::string office = "TUM");

    storage::PersonalStore& store() { return *m_store; }
    storage::Db& db() { return m_store->db(); }
    const std::string& token() const { return m_token; }
    const std::string& deviceId() const { return m_store->session().deviceId; }

    void enroll(const Server& server);

    std::int64_t scalar(const std::string& sql);
    // The text column of the one row `sql` selects for `id` (its one `?`); fails the test when there is none.
    std::string text(const std::string& sql, const std::string& id);
    std::int64_t changeCount() { return scalar("SELECT count(*) FROM changes"); }
    // Change records the server has acknowledged to this kiosk.
    std::int64_t ackedCount();
    std::int64_t pending();
    // The changes in each sealed batch waiting in the outbox, oldest first.
    std::vector<std::int64_t> outboxBatchSizes() const;

    // One sync straight to the server (no proxy); must succeed.
    sync::SyncSummary syncDirect(const Server& server, const sync::SyncLimits& limits = {});

private:
    TempDir m_tmp;
    storage::DataDir m_dir{m_tmp.path() / "kiosk"};
    std::string m_login;
    std::string m_office;
    std::unique_ptr<storage::PersonalStore> m_store;
    std::string m_token;
};

using Rows = std::vector<std::vector<std::string>>;

// Every synced column of `entity`'s table (sync/protocol/change_codec.cpp), id first, ordered by id.
Rows rowsOf(storage::Db& db, std::string_view entity);
// "" when equal, else where the first difference is.
std::string firstDifference(std::string_view entity, const Rows& expected, const Rows& actual);

}  // namespace chasqui::test::e2e
