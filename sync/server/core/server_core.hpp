#pragma once
// The central server's embedded store: an SQLCipher database in the server's
// data directory holding enrolled devices, one-time enrollment codes, the log
// of every accepted change (what kiosks pull), the merged state per field
// (what conflicts are detected against), quarantined changes, and the
// published service catalog.
//
// Threading: every public method may be called from any thread. Writes
// (enrollment, push, revoke, catalog publishing, last-seen times) take turns
// on the one write connection. Reads (authenticate, pull, devices, status,
// catalog) run on pooled read connections, concurrently with each other and
// with a write; each read sees the last committed state when it starts (WAL
// snapshots), so a revocation committed before a request is seen by it.
//
// Errors are SyncError values (sync/protocol/sync_error.hpp) with no HTTP in them; the
// HTTP layer (http_errors.hpp) chooses the status. A failure of the database
// or of a key file is Internal with the store's message.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/base/clock.hpp"
#include "storage/base/secret.hpp"
#include "storage/base/sqlite_db.hpp"
#include "storage/records/ids.hpp"
#include "sync/protocol/batch_signature.hpp"
#include "sync/protocol/sync_error.hpp"

namespace chasqui::sync {

struct DeviceInfo {
    std::string id;
    std::string office;
    int number = 0;
    std::string publicKey;  // raw 32-byte X25519 key
    // Raw 32-byte Ed25519 key its pushes are signed with; empty for a device
    // enrolled before batches were signed (it must enroll again).
    std::string signingKey;
    bool revoked = false;
    std::int64_t enrolledAt = 0;
    std::int64_t lastSeenAt = 0;
};

struct Enrollment {
    std::string deviceId;
    std::string office;
    int deviceNumber = 0;
    std::string token;  // bearer credential, shown once
};

struct PushItemResult {
    std::string id;
    std::string status;                            // applied | duplicate | quarantined
    SyncErrorCode code = SyncErrorCode::Internal;  // why quarantined (the codec's or the push rules')
    std::string message;
};

// What a push did: the applied and duplicate changes are counted, the
// quarantined ones named (in batch order) with their code and message.
struct PushSummary {
    int applied = 0;
    int duplicates = 0;
    std::vector<PushItemResult> quarantined;
};

struct PullPage {
    std::vector<nlohmann::json> changes;
    std::string nextCursor;
    bool more = false;
};

struct ServerStatus {
    std::int64_t devices = 0;
    std::int64_t revokedDevices = 0;
    std::int64_t changes = 0;
    std::int64_t quarantined = 0;
    std::int64_t conflicts = 0;
    std::string catalogVersion;
};

class ServerStore {
public:
    // Opens (creating on first use) DIR/server.db with the key in DIR/server.db.key
    // and the box key pair in DIR/server.box (both 0600, made on first use).
    // Internal when the directory, a key file or the database cannot be used.
    static SyncResult<std::unique_ptr<ServerStore>> open(const std::filesystem::path& dir, const storage::Clock& clock);

    const std::string& publicKey() const { return m_boxPublic; }
    const storage::SecretBytes& secretKey() const { return m_boxSecret; }
    std::int64_t nowMs() const { return m_clock.nowMs(); }

    // Enrollment and devices (enrollment.cpp).
    // BadRequest unless `office` is a 3-letter office code.
    SyncResult<std::string> issueEnrollCode(const std::string& office, std::int64_t validForMs = 24LL * 3600 * 1000);
    // `expectedOffice`, when given, must be the code's office: a kiosk of another
    // office is refused before the code is used up. A device already enrolled
    // is refused (AlreadyEnrolled), except one enrolled before batches
    // were signed: with a new code of its office it gets new keys and a new
    // token and keeps its number (its old token stops working).
    // EnrollCodeInvalid for an unknown, used or expired code or one of another
    // office; BadRequest for a malformed device id or key.
    SyncResult<Enrollment> enroll(const std::string& code, const std::string& deviceId, const DevicePublicKeys& keys,
                                  const std::string& expectedOffice = {});
    // Unauthorized for an unknown token, Revoked for a revoked device.
    // Reads only, except that it records the device's last-seen time when the
    // stored one is a minute old or more (kLastSeenResolutionMs): `devices`
    // is then at most that much behind, at one write per device and minute.
    SyncResult<DeviceInfo> authenticate(const std::string& token);
    SyncResult<std::vector<DeviceInfo>> devices();
    SyncResult<void> revoke(const std::string& deviceId);  // NotFound for an unknown device

    // Changes (push_processor.cpp and server_store.cpp).
    // TooLarge past kMaxChangesPerList changes; a bad change is quarantined
    // in the summary, never an error of the whole push.
    SyncResult<PushSummary> push(const DeviceInfo& device, const std::vector<nlohmann::json>& changes);
    // CursorExpired for a cursor of another server database, BadRequest for a malformed one.
    SyncResult<PullPage> pull(const DeviceInfo& device, const std::string& cursor, std::size_t limit);

    // Catalog (published JSON as imported; validated by the caller).
    SyncResult<void> publishCatalog(const std::string& version, const std::string& json);
    SyncResult<std::pair<std::string, std::string>> catalog();  // version, json; empty when none

    SyncResult<ServerStatus> status();
    // The write connection, for tests and single-threaded tools only.
    storage::Db& db() { return *m_db; }

    static constexpr std::int64_t kLastSeenResolutionMs = 60 * 1000;

private:
    ServerStore(const storage::Clock& clock) : m_clock(clock), m_ids(clock), m_hlc(clock) {}
    friend class PushProcessor;

    // A read connection lent by the pool; it goes back when the pointer dies.
    struct ReturnToPool {
        ServerStore* store = nullptr;
        void operator()(storage::Db* db) const;
    };
    using Reader = std::unique_ptr<storage::Db, ReturnToPool>;
    SyncResult<Reader> reader();

    const storage::Clock& m_clock;
    std::filesystem::path m_path;
    std::mutex m_writeMutex;  // held for every use of m_db, m_hlc and m_ids
    std::unique_ptr<storage::Db> m_db;
    std::mutex m_readersMutex;
    std::vector<std::unique_ptr<storage::Db>> m_idleReaders;  // opened on demand, a few kept
    storage::SecretBytes m_dbKey;
    std::string m_boxPublic;
    storage::SecretBytes m_boxSecret;
    std::string m_epoch;     // changes when the store is recreated: old cursors expire
    std::string m_serverId;  // device id the server signs its own changes (conflicts) with
    storage::UuidV7Generator m_ids;
    storage::HybridLogicalClock m_hlc;
};

// The server store's schema, numbered in PRAGMA user_version (0: a store
// from before the numbering, whose tables are migration 1's). Brings `db` to
// `target` (-1: the latest); Damaged when it was written by a newer server.
storage::Result<void> migrateServerStore(storage::Db& db, int target = -1);
int latestServerSchema();

}  // namespace chasqui::sync
