// Signed pushes (sync/protocol/batch_signature.hpp): what a signature binds, the
// kiosk's outbox files (signed; unsigned ones from before are sealed again,
// nothing lost), and the server's store from before signing keys existed.
#include <doctest/doctest.h>

#include <sodium.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "storage/base/sqlite_db.hpp"
#include "storage/db/meta_table.hpp"
#include "storage/records/person_repository.hpp"
#include "sync/client/device_keys.hpp"
#include "sync/client/kiosk_sync.hpp"
#include "sync/client/spool.hpp"
#include "sync/protocol/batch_signature.hpp"
#include "sync/protocol/sealed_box.hpp"
#include "sync/server/core/batch_verifier.hpp"
#include "sync/server/core/server_core.hpp"
#include "sync/server/http/http_errors.hpp"
#include "sync/server/repository/sqlcipher_repository.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/test_store.hpp"
#include "tests/sync/in_process_channel.hpp"

using namespace chasqui;
namespace fs = std::filesystem;

namespace {

constexpr const char* kDeviceA = "0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a00";
constexpr const char* kDeviceB = "0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a01";

std::vector<fs::path> outboxFiles(const storage::DataDir& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir.root / "sync" / "outbox", ec)) out.push_back(entry.path());
    std::sort(out.begin(), out.end());
    return out;
}

// An in-process server with one enrolled kiosk (a TestStore), as the HTTP server sees it.
using Office = test::EnrolledKiosk;

}  // namespace

TEST_SUITE("batch signatures") {
    TEST_CASE("a signature holds only for its device, its key and its exact sealed bytes") {
        const sync::SigningKeyPair a = sync::SigningKeyPair::generate();
        const sync::SigningKeyPair other = sync::SigningKeyPair::generate();
        const std::string sealed = "sealed batch bytes, opaque to the signature";
        auto body = sync::signBatch(sealed, kDeviceA, a.secretKey);
        REQUIRE(body.has_value());
        CHECK(body->size() == sealed.size() + sync::kBatchSignatureBytes);
        auto verified = sync::verifySignedBatch(*body, kDeviceA, a.publicKey);
        REQUIRE(verified.has_value());
        CHECK(*verified == sealed);

        CHECK_FALSE(sync::verifySignedBatch(*body, kDeviceB, a.publicKey));  // replayed as another device
        CHECK_FALSE(sync::verifySignedBatch(*body, kDeviceA, other.publicKey));
        CHECK_FALSE(sync::verifySignedBatch(sealed, kDeviceA, a.publicKey));  // unsigned
        CHECK_FALSE(sync::verifySignedBatch(body->substr(0, body->size() - 1), kDeviceA, a.publicKey));
        CHECK_FALSE(sync::verifySignedBatch(body->substr(0, 63), kDeviceA, a.publicKey));
        CHECK_FALSE(sync::verifySignedBatch("", kDeviceA, a.publicKey));
        CHECK_FALSE(sync::verifySignedBatch(*body, kDeviceA, ""));
        // Every refusal is BadSignature, the code the server answers with (401).
        CHECK(sync::verifySignedBatch(*body, kDeviceB, a.publicKey).error().code == sync::SyncErrorCode::BadSignature);
        CHECK(sync::verifySignedBatch("", kDeviceA, a.publicKey).error().code == sync::SyncErrorCode::BadSignature);
        for (const std::size_t at : {std::size_t{0}, std::size_t{63}, std::size_t{64}, body->size() - 1}) {
            std::string flipped = *body;
            flipped[at] = static_cast<char>(flipped[at] ^ 0x01);
            CAPTURE(at);
            CHECK_FALSE(sync::verifySignedBatch(flipped, kDeviceA, a.publicKey));
        }
        // A plain Ed25519 signature of the sealed bytes (no context) is not a batch signature.
        std::string plain(crypto_sign_BYTES, '\0');
        crypto_sign_detached(reinterpret_cast<unsigned char*>(plain.data()), nullptr,
                             reinterpret_cast<const unsigned char*>(sealed.data()), sealed.size(), a.secretKey.data());
        CHECK_FALSE(sync::verifySignedBatch(plain + sealed, kDeviceA, a.publicKey));
    }

    TEST_CASE("the server refuses a push that is not signed by the token's device, before opening it") {
        Office office;
        REQUIRE(storage::PersonRepository(*office.kiosk).add(test::samplePerson()).has_value());
        REQUIRE(sync::spoolOutbox(*office.kiosk).has_value());
        const auto files = outboxFiles(office.kiosk.dataDir);
        REQUIRE(files.size() == 1);
        CHECK(files[0].extension() == ".signed");
        const std::string body = test::readBytes(files[0]);
        auto sealed = sync::verifyPushBody(body, office.device);
        REQUIRE(sealed.has_value());

        // The token alone: a correctly sealed batch without the signature, or signed by another key.
        const sync::SigningKeyPair thief = sync::SigningKeyPair::generate();
        auto forged = sync::signBatch(*sealed, office.device.id, thief.secretKey);
        REQUIRE(forged.has_value());
        for (const std::string& attempt : {std::string(*sealed), *forged}) {
            auto refused = sync::verifyPushBody(attempt, office.device);
            REQUIRE_FALSE(refused.has_value());
            CHECK(sync::wireErrorFor(refused.error().code).status == 401);
            CHECK(refused.error().code == sync::SyncErrorCode::BadSignature);
            test::InProcessChannel channel(office.serverPtr, office.device);
            auto pushed = channel.push(attempt);
            REQUIRE_FALSE(pushed.has_value());
            CHECK(pushed.error().serverCode == "bad_signature");
        }
        CHECK(office.serverChanges() == 0);
    }

    TEST_CASE("the signing key is made with the box key, kept in the encrypted store, and stable") {
        test::TestStore kiosk;
        auto first = sync::devicePublicKeys(*kiosk);
        REQUIRE(first.has_value());
        CHECK(first->box.size() == 32);
        CHECK(first->signing.size() == sync::kSigningPublicKeyBytes);
        kiosk.reopen();
        auto again = sync::devicePublicKeys(*kiosk);
        REQUIRE(again.has_value());
        CHECK(again->box == first->box);
        CHECK(again->signing == first->signing);
        auto secret = storage::readMeta(kiosk->db(), "device_sign_secret");
        REQUIRE(secret.has_value());
        CHECK_FALSE(secret->empty());

        // A kiosk from before signed batches has only its box key: the signing pair is added, the box key kept.
        REQUIRE(kiosk
                    ->writeVoid([&](storage::RecordWriter&) -> storage::Result<void> {
                        if (auto r = storage::writeMeta(kiosk->db(), "device_sign_public", ""); !r) return r;
                        return storage::writeMeta(kiosk->db(), "device_sign_secret", "");
                    })
                    .has_value());
        auto upgraded = sync::devicePublicKeys(*kiosk);
        REQUIRE(upgraded.has_value());
        CHECK(upgraded->box == first->box);
        CHECK(upgraded->signing.size() == sync::kSigningPublicKeyBytes);
        CHECK(upgraded->signing != first->signing);
    }

    TEST_CASE("an unsigned outbox file from before is never sent, and the next sign-in seals it again: nothing lost") {
        Office office;
        for (int i = 0; i < 3; ++i)
            REQUIRE(storage::PersonRepository(*office.kiosk).add(test::samplePerson()).has_value());
        const std::int64_t made = office.kioskChanges();
        REQUIRE(sync::spoolOutbox(*office.kiosk, sync::SpoolLimits{.pushBatch = 4}).has_value());
        auto files = outboxFiles(office.kiosk.dataDir);
        REQUIRE(files.size() >= 2);
        // What an older kiosk left: the same batches, sealed but unsigned, under the old names.
        for (const fs::path& file : files) {
            const std::string body = test::readBytes(file);
            fs::path legacy = file;
            legacy.replace_extension(".sealed");
            REQUIRE(storage::writeFileAtomically(legacy, body.substr(sync::kBatchSignatureBytes)).has_value());
            fs::remove(file);
        }
        const sync::SpoolCounts waiting = sync::countSpool(office.kiosk.dataDir);
        CHECK(waiting.pendingUp == made);
        CHECK(waiting.outboxFiles == static_cast<int>(files.size()));

        // Locked: the sync thread sends none of them (the server would refuse them) and acknowledges nothing.
        test::InProcessChannel channel(office.serverPtr, office.device);
        auto locked = sync::syncSpool(office.kiosk.dataDir, channel);
        REQUIRE_MESSAGE(locked.has_value(), (locked ? std::string() : locked.error().message));
        CHECK(locked->batchesSent == 0);
        CHECK(office.serverChanges() == 0);
        CHECK_FALSE(fs::exists(office.kiosk.dataDir.root / "sync" / "acked_seq"));
        CHECK(sync::countSpool(office.kiosk.dataDir).pendingUp == made);

        // At the next sign-in the outbox is sealed and signed again, and everything goes up.
        office.kiosk.reopen();
        auto summary = sync::syncNow(*office.kiosk, channel);
        REQUIRE_MESSAGE(summary.has_value(), (summary ? std::string() : summary.error().message));
        CHECK(summary->pushed == made);
        CHECK(office.serverChanges() == made);
        auto pending = sync::pendingChanges(*office.kiosk);
        REQUIRE(pending.has_value());
        CHECK(*pending == 0);
        for (const fs::path& file : outboxFiles(office.kiosk.dataDir)) CHECK(file.extension() != ".sealed");
    }

    TEST_CASE("a damaged signed outbox file is sealed again at sign-in instead of blocking the queue") {
        Office office;
        for (int i = 0; i < 2; ++i)
            REQUIRE(storage::PersonRepository(*office.kiosk).add(test::samplePerson()).has_value());
        const std::int64_t made = office.kioskChanges();
        REQUIRE(sync::spoolOutbox(*office.kiosk).has_value());
        auto files = outboxFiles(office.kiosk.dataDir);
        REQUIRE(files.size() == 1);
        std::string body = test::readBytes(files[0]);
        body[body.size() / 2] = static_cast<char>(body[body.size() / 2] ^ 0x40);  // a flipped bit on disk
        REQUIRE(storage::writeFileAtomically(files[0], body).has_value());

        test::InProcessChannel channel(office.serverPtr, office.device);
        auto locked = sync::syncSpool(office.kiosk.dataDir, channel);
        REQUIRE_FALSE(locked.has_value());
        CHECK(locked.error().serverCode == "bad_signature");
        CHECK(office.serverChanges() == 0);

        auto summary = sync::syncNow(*office.kiosk, channel);
        REQUIRE_MESSAGE(summary.has_value(), (summary ? std::string() : summary.error().message));
        CHECK(summary->pushed == made);
        CHECK(office.serverChanges() == made);
    }

    TEST_CASE(
        "a device enrolled before signing keys enrolls again with a code, keeps its number, and its old token dies") {
        test::TempDir serverDir;
        storage::ManualClock serverClock{test::kTestNowMs};
        const fs::path dir = serverDir.path() / "server";
        test::TestStore kiosk;
        auto keys = sync::devicePublicKeys(*kiosk);
        REQUIRE(keys.has_value());
        const std::string id = kiosk->session().deviceId;
        const std::string oldToken = "token-of-a-device-enrolled-by-the-previous-server";
        {
            // The key files made by a server, then server.db as the previous server
            // left it: migration 1's tables, no numbering (user_version 0), and the
            // device enrolled without a signing key.
            REQUIRE(sync::ServerCore::open(dir, serverClock).has_value());
            for (const char* name : {"server.db", "server.db-wal", "server.db-shm"}) fs::remove(dir / name);
            const std::string keyBytes = test::readBytes(dir / "server.db.key");
            REQUIRE(keyBytes.size() == 32);
            storage::SecretBytes key(32);
            std::copy(keyBytes.begin(), keyBytes.end(), key.data());
            storage::OpenOptions options;
            options.rawKey = &key;
            auto db = storage::Db::open((dir / "server.db").string(), options);
            REQUIRE(db.has_value());
            REQUIRE(sync::migrateEmbeddedSchema(*db, 1).has_value());
            REQUIRE(db->exec("PRAGMA user_version = 0").has_value());
            std::array<unsigned char, 32> digest{};
            crypto_generichash(digest.data(), digest.size(), reinterpret_cast<const unsigned char*>(oldToken.data()),
                               oldToken.size(), nullptr, 0);
            std::array<char, 65> hex{};
            sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
            auto insert = db->prepare(
                "INSERT INTO devices (id, office, number, token_hash, public_key, enrolled_at) VALUES (?, 'TUM', 1, ?, "
                "?, 1)");
            REQUIRE(insert.has_value());
            insert->bind(1, id).bind(2, std::string(hex.data(), 64)).bind(3, keys->box);
            REQUIRE(insert->run().has_value());
        }
        auto opened = sync::ServerCore::open(dir, serverClock);
        REQUIRE_MESSAGE(opened.has_value(), (opened ? std::string() : opened.error().message));
        sync::ServerCore* server = opened->get();
        auto schema = server->repository().schema();
        REQUIRE(schema.has_value());
        CHECK(schema->current == schema->latest);
        auto old = server->authenticate(oldToken);
        REQUIRE(old.has_value());
        CHECK(old->signingKey.empty());
        CHECK(old->publicKey == keys->box);

        // The kiosk's batch, signed with a key the server does not know yet: refused, saying what to do.
        REQUIRE(sync::setServerPublicKey(*kiosk, server->publicKey()).has_value());
        REQUIRE(storage::PersonRepository(*kiosk).add(test::samplePerson()).has_value());
        REQUIRE(sync::spoolOutbox(*kiosk).has_value());
        const auto files = outboxFiles(kiosk.dataDir);
        REQUIRE(files.size() == 1);
        const std::string body = test::readBytes(files[0]);
        auto refused = sync::verifyPushBody(body, *old);
        REQUIRE_FALSE(refused.has_value());
        CHECK(refused.error().code == sync::SyncErrorCode::BadSignature);
        CHECK(test::has(refused.error().message, "enroll it again"));

        // Enrolling again takes a new code from the administrator: the token alone registers nothing.
        auto code = server->issueEnrollCode("TUM");
        REQUIRE(code.has_value());
        auto again = server->enroll(*code, id, *keys);
        REQUIRE_MESSAGE(again.has_value(), (again ? std::string() : again.error().message));
        CHECK(again->deviceNumber == 1);
        auto gone = server->authenticate(oldToken);
        REQUIRE_FALSE(gone.has_value());
        CHECK(gone.error().code == sync::SyncErrorCode::Unauthorized);
        auto device = server->authenticate(again->token);
        REQUIRE(device.has_value());
        CHECK(device->signingKey == keys->signing);
        test::InProcessChannel channel(server, *device);
        auto pushed = channel.push(body);
        REQUIRE_MESSAGE(pushed.has_value(), (pushed ? std::string() : pushed.error().message));
        auto status = server->status();
        REQUIRE(status.has_value());
        CHECK(status->counts.changes > 0);

        // Once it has a signing key, a device is never re-keyed by another code.
        auto another = server->issueEnrollCode("TUM");
        REQUIRE(another.has_value());
        const sync::DevicePublicKeys thiefKeys{sync::BoxKeyPair::generate().publicKey,
                                               sync::SigningKeyPair::generate().publicKey};
        auto rekey = server->enroll(*another, id, thiefKeys);
        REQUIRE_FALSE(rekey.has_value());
        CHECK(rekey.error().code == sync::SyncErrorCode::AlreadyEnrolled);
    }

}  // TEST_SUITE
