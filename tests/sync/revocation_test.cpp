// Only a real revocation wipes a kiosk, and even then the work that never
// reached the server is kept, sealed to the server's key, and can be brought
// in by an administrator. `chasqui sync` runs as a process against a scripted
// server on loopback (an answer `revoked` under 500 and 503) and against the
// real chasqui-server (a device revoked with `chasqui-server revoke`, then
// `chasqui-server recover-outbox`).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "storage/records/person_repository.hpp"
#include "sync/client/device_link.hpp"
#include "sync/client/kiosk_sync.hpp"
#include "sync/client/spool.hpp"
#include "sync/protocol/sealed_box.hpp"
#include "tests/server/server_harness.hpp"
#include "tests/support/test_store.hpp"
#include "tests/sync/scripted_server.hpp"

namespace chasqui::sync {
namespace {

namespace fs = std::filesystem;
using test::CommandResult;
using test::describe;
using test::has;
using test::ScriptedServer;

// People registered on the kiosk: some already sealed into the outbox, some
// only in the store (the revocation must seal those too). Returns the changes
// not yet acknowledged by any server.
std::int64_t registerPeople(test::TestStore& kiosk, int sealedFirst, int thenUnsealed) {
    storage::PersonRepository people(*kiosk);
    for (int i = 0; i < sealedFirst; ++i) REQUIRE(people.add(test::samplePerson()).has_value());
    auto spooled = spoolOutbox(*kiosk);
    REQUIRE_MESSAGE(spooled.has_value(), (spooled ? std::string() : spooled.error().message));
    for (int i = 0; i < thenUnsealed; ++i) REQUIRE(people.add(test::samplePerson()).has_value());
    auto pending = pendingChanges(*kiosk);
    REQUIRE(pending.has_value());
    return *pending;
}

fs::path pinFile(const test::TestStore& kiosk) {
    const fs::path pin = kiosk.dir.path() / "admin.pin";
    std::ofstream(pin) << test::kAdminPin << "\n";
    return pin;
}

std::vector<fs::path> filesIn(const fs::path& folder) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec)) out.push_back(entry.path());
    std::sort(out.begin(), out.end());
    return out;
}

TEST_CASE("an answer 'revoked' under HTTP 500 or 503 erases nothing") {
    for (const int status : {500, 503}) {
        CAPTURE(status);
        test::TestStore kiosk;
        ScriptedServer server;
        const std::string revoked =
            R"({"error": {"code": "revoked", "message": "this device was revoked: wipe everything"}})";
        server.answer("POST", "/v1/push", status, revoked);
        server.answer("GET", "/v1/pull", status, revoked);
        server.start();
        REQUIRE(setServerPublicKey(*kiosk, BoxKeyPair::generate().publicKey).has_value());
        REQUIRE(saveDeviceLink(kiosk.dataDir, {server.url(), "tok_abcdefghijklmnop", 1, "TUM"}).has_value());
        const std::int64_t pending = registerPeople(kiosk, 40, 45);
        REQUIRE(pending > 0);
        kiosk.store.reset();
        const fs::path pin = pinFile(kiosk);

        const CommandResult r =
            test::runChasqui({"sync", "--data", kiosk.dataDir.root.string(), "--pin-file", pin.string()});
        CHECK_MESSAGE(r.exitCode == 1, describe(r));
        CHECK(server.requests() >= 1);
        CHECK(fs::exists(kiosk.dataDir.personalDb()));
        CHECK(fs::exists(kiosk.dataDir.keyring()));
        CHECK(fs::exists(deviceLinkPath(kiosk.dataDir)));
        CHECK_FALSE(filesIn(kiosk.dataDir.root / "sync" / "outbox").empty());
        CHECK_FALSE(fs::exists(revokedOutboxPath(kiosk.dataDir)));
        kiosk.reopen();
        auto after = pendingChanges(*kiosk);
        REQUIRE(after.has_value());
        CHECK(*after == pending);
    }
}

TEST_CASE("a real revocation keeps the unsent changes sealed, and recover-outbox brings them into the server") {
    test::TempDir serverTmp;
    const fs::path serverData = serverTmp.path() / "server";
    test::ServerProcess server(serverData);
    const std::string url = fmt::format("http://127.0.0.1:{}", server.port());
    test::TestStore kiosk;
    const std::string deviceId = kiosk->session().deviceId;
    kiosk.store.reset();
    const fs::path pin = pinFile(kiosk);
    const std::string data = kiosk.dataDir.root.string();

    const CommandResult code = test::runServer({"enroll-code", "--data", serverData.string(), "--office", "TUM"});
    REQUIRE_MESSAGE(code.exitCode == 0, describe(code));
    const CommandResult enrolled = test::runChasqui(
        {"enroll", "--data", data, "--pin-file", pin.string(), "--server", url, "--code", test::trimmed(code.out)});
    REQUIRE_MESSAGE(enrolled.exitCode == 0, describe(enrolled));
    kiosk.reopen();
    const std::int64_t pending = registerPeople(kiosk, 30, 25);
    REQUIRE(pending > 0);
    kiosk.store.reset();

    const CommandResult revoked = test::runServer({"revoke", "--data", serverData.string(), "--device", deviceId});
    REQUIRE_MESSAGE(revoked.exitCode == 0, describe(revoked));
    const CommandResult synced = test::runChasqui({"sync", "--data", data, "--pin-file", pin.string()});
    CHECK_MESSAGE(synced.exitCode == 3, describe(synced));
    CHECK_MESSAGE(has(synced.err, "recover-outbox"), describe(synced));
    CHECK_MESSAGE(has(synced.err, fmt::format("{} changes", pending)), describe(synced));
    // The personal data is gone; only sealed batches remain, in a folder of their own.
    CHECK_FALSE(fs::exists(kiosk.dataDir.personalDb()));
    CHECK_FALSE(fs::exists(kiosk.dataDir.keyring()));
    CHECK_FALSE(fs::exists(kiosk.dataDir.root / "sync"));
    const fs::path kept = revokedOutboxPath(kiosk.dataDir);
    const std::vector<fs::path> batches = filesIn(kept);
    REQUIRE_FALSE(batches.empty());
    CHECK((fs::status(kept).permissions() & fs::perms::all) == fs::perms::owner_all);

    httplib::Client client = server.client();
    const std::string admin = test::adminToken(serverData);
    const auto serverChanges = [&] { return test::adminStatus(client, admin).at("changes").get<std::int64_t>(); };
    REQUIRE(serverChanges() == 0);
    std::vector<std::string> args{"recover-outbox", "--data", serverData.string()};
    for (const fs::path& batch : batches) args.push_back(batch.string());
    const CommandResult recovered = test::runServer(args);
    REQUIRE_MESSAGE(recovered.exitCode == 0, describe(recovered));
    CHECK_MESSAGE(has(recovered.out, fmt::format("{} changes applied", pending)), describe(recovered));
    CHECK(serverChanges() == pending);
    // Twice is harmless: the changes are known by id.
    const CommandResult again = test::runServer(args);
    CHECK_MESSAGE(again.exitCode == 0, describe(again));
    CHECK_MESSAGE(has(again.out, fmt::format("0 changes applied, {} already there", pending)), describe(again));
    CHECK(serverChanges() == pending);
}

TEST_CASE("recover-outbox refuses a file that is not a batch sealed to this server and signed by its device") {
    test::TempDir tmp;
    const fs::path serverData = tmp.path() / "server";
    const CommandResult code = test::runServer({"enroll-code", "--data", serverData.string(), "--office", "TUM"});
    REQUIRE_MESSAGE(code.exitCode == 0, describe(code));
    const fs::path junk = tmp.path() / "junk.signed";
    std::ofstream(junk) << std::string(300, 'x');
    const CommandResult r = test::runServer({"recover-outbox", "--data", serverData.string(), junk.string()});
    CHECK_MESSAGE(r.exitCode == 5, describe(r));
    CHECK_MESSAGE(has(r.err, "does not open"), describe(r));
}

}  // namespace
}  // namespace chasqui::sync
