#include "tests/server/sync_e2e_fixture.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "storage/records/record_writer.hpp"
#include "sync/client/curl_transport.hpp"
#include "sync/client/http_server_channel.hpp"
#include "sync/client/spool_files.hpp"
#include "sync/protocol/change_codec.hpp"
#include "sync/protocol/sealed_box.hpp"

namespace chasqui::test::e2e {

namespace fs = std::filesystem;
using json = nlohmann::json;

storage::SystemClock& wallClock() {
    static storage::SystemClock clock;
    return clock;
}

std::mt19937_64::result_type e2eSeed() {
    const char* text = std::getenv("CHASQUI_E2E_SEED");
    if (text != nullptr && *text != '\0') return std::strtoull(text, nullptr, 10);
    return std::random_device{}();
}

std::string Server::url() const {
    return fmt::format("http://127.0.0.1:{}", process.port());
}

json Server::status() const {
    httplib::Client client = process.client();
    return adminStatus(client, admin);
}

std::string Server::code(const std::string& office) const {
    const CommandResult r = runServer({"enroll-code", "--data", data.string(), "--office", office});
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    return trimmed(r.out);
}

Kiosk::Kiosk(std::string login, const std::string& adminName, std::string office)
    : m_login(std::move(login)), m_office(std::move(office)) {
    storage::InitOptions init;
    init.officeCode = m_office;
    init.adminName = adminName;
    init.adminLogin = m_login;
    init.adminPin = kAdminPin;
    init.kdf = storage::KdfParams::minimumForTests();
    auto created = storage::PersonalStore::create(m_dir, init, wallClock());
    REQUIRE_MESSAGE(created.has_value(), (created ? std::string() : created.error().message));
    auto store = storage::PersonalStore::signIn(m_dir, m_login, kAdminPin, wallClock());
    REQUIRE_MESSAGE(store.has_value(), (store ? std::string() : store.error().message));
    m_store = std::move(*store);
}

void Kiosk::enroll(const Server& server) {
    sync::CurlTransport transport;
    sync::HttpServerChannel channel(transport, server.url());
    auto publicKey = sync::devicePublicKeys(*m_store);
    REQUIRE(publicKey.has_value());
    auto answer = channel.enroll(server.code(m_office), deviceId(), *publicKey, m_office);
    REQUIRE_MESSAGE(answer.has_value(), (answer ? std::string() : answer.error().message));
    CHECK(answer->office == m_office);
    REQUIRE(sync::setServerPublicKey(*m_store, answer->serverPublicKey).has_value());
    m_token = answer->deviceToken;
}

std::int64_t Kiosk::scalar(const std::string& sql) {
    auto n = db().scalarInt(sql);
    REQUIRE_MESSAGE(n.has_value(), (n ? std::string() : n.error().message));
    return *n;
}

std::string Kiosk::text(const std::string& sql, const std::string& id) {
    auto stmt = db().prepare(sql);
    REQUIRE(stmt.has_value());
    auto value = stmt->bindAll(id).readOne([](const storage::Stmt& s) { return s.text(0); });
    REQUIRE(value.has_value());
    REQUIRE_MESSAGE(value->has_value(), "no row for " << id << ": " << sql);
    return **value;
}

std::int64_t Kiosk::ackedCount() {
    return scalar(
        "SELECT count(*) FROM changes WHERE seq <= "
        "(SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'outbox_acked_seq')");
}

std::vector<std::int64_t> Kiosk::outboxBatchSizes() const {
    std::vector<std::pair<std::int64_t, std::int64_t>> batches;  // lastSeq, changes
    for (const auto& entry : std::filesystem::directory_iterator(m_dir.root / "sync" / "outbox")) {
        const auto name = sync::parseOutboxName(entry.path().stem().string());
        REQUIRE(name.has_value());
        batches.emplace_back(name->lastSeq, name->changes);
    }
    std::sort(batches.begin(), batches.end());
    std::vector<std::int64_t> sizes;
    for (const auto& [lastSeq, changes] : batches) sizes.push_back(changes);
    return sizes;
}

std::int64_t Kiosk::pending() {
    auto n = sync::pendingChanges(*m_store);
    REQUIRE(n.has_value());
    return *n;
}

sync::SyncSummary Kiosk::syncDirect(const Server& server, const sync::SyncLimits& limits) {
    sync::CurlTransport transport;
    sync::HttpServerChannel channel(transport, server.url(), m_token);
    auto summary = sync::syncNow(*m_store, channel, limits);
    REQUIRE_MESSAGE(summary.has_value(), (summary ? std::string() : summary.error().message));
    return *summary;
}

Rows rowsOf(storage::Db& db, std::string_view entity) {
    std::string columns = "id";
    for (const auto& spec : sync::columnsOf(entity)) columns += ", " + std::string(spec.name);
    auto stmt = db.prepare(fmt::format("SELECT {} FROM {} ORDER BY id", columns, storage::tableOf(entity)));
    REQUIRE_MESSAGE(stmt.has_value(), (stmt ? std::string() : stmt.error().message));
    Rows rows;
    for (;;) {
        auto row = stmt->step();
        REQUIRE(row.has_value());
        if (!*row) break;
        std::vector<std::string> values;
        for (int i = 0; i < stmt->columnCount(); ++i) values.push_back(stmt->text(i));
        rows.push_back(std::move(values));
    }
    return rows;
}

std::string firstDifference(std::string_view entity, const Rows& expected, const Rows& actual) {
    const auto columns = sync::columnsOf(entity);
    const auto name = [&](std::size_t i) { return i == 0 ? std::string("id") : std::string(columns[i - 1].name); };
    for (std::size_t r = 0; r < std::min(expected.size(), actual.size()); ++r) {
        if (expected[r][0] != actual[r][0])
            return fmt::format("row {}: id {} expected, {} found", r, expected[r][0], actual[r][0]);
        for (std::size_t c = 0; c < expected[r].size(); ++c) {
            if (expected[r][c] != actual[r][c])
                return fmt::format("{} {}: {} = '{}' expected, '{}' found", entity, expected[r][0], name(c),
                                   expected[r][c], actual[r][c]);
        }
    }
    if (expected.size() != actual.size())
        return fmt::format("{} rows expected, {} found", expected.size(), actual.size());
    return {};
}

}  // namespace chasqui::test::e2e
