#pragma once
// What the server core (sync/server/core) needs from a database, and nothing
// more: rows in, rows out, transactions. The stores behind it (embedded
// SQLCipher, PostgreSQL) hold no merge rules, no scope checks and no HTTP;
// the core holds no SQL.
//
// Every method may be called from any thread. A store is shared by every
// request of its process, and on PostgreSQL by several server processes at
// once: the contracts below say what each store guarantees across them.
//
// Errors: SyncErrorCode::Internal with the store's message when the database
// fails, Busy when it is momentarily unavailable (a lock, a lost
// connection); the core passes both on. Nothing here returns another code.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/base/secret.hpp"
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

struct EnrollCodeRow {
    std::string office;
    std::int64_t expiresAt = 0;
    bool used = false;
};

// A record as the merge sees it: (entity, record id).
struct RecordKey {
    std::string entity;
    std::string record;
    auto operator<=>(const RecordKey&) const = default;
};

// One field's merged state (sync/PROTOCOL.md 3): its value as JSON text, the
// clock that wrote it, the clock it replaced, who wrote it, and for set
// fields the element clocks as JSON text (empty until first edited).
struct StoredField {
    std::string value;
    std::string clock;
    std::string base;
    std::string author;
    std::string elements;
    bool operator==(const StoredField&) const = default;
};

// A record's office (empty before its first change arrived) and its fields.
struct RecordState {
    std::string office;
    std::map<std::string, StoredField, std::less<>> fields;
};

// One entry of the change log: what kiosks of `office` pull.
struct LogEntry {
    std::string changeId;
    std::string office;
    std::string originDevice;
    RecordKey key;
    std::string payload;  // the change as the protocol's JSON text
    std::int64_t receivedAt = 0;
};

struct FieldWrite {
    RecordKey key;
    std::string field;
    StoredField state;
};

struct QuarantineEntry {
    std::string changeId;
    std::string deviceId;
    std::string code;  // syncErrorCodeName()
    std::string message;
    std::string payload;  // the change as received, at most 64 KiB
    std::int64_t receivedAt = 0;
};

// Everything one push writes, applied at once by PushTransaction::commit.
struct PushWrites {
    std::vector<LogEntry> log;                                  // in batch order
    std::vector<std::pair<RecordKey, std::string>> newOffices;  // records seen for the first time
    std::vector<FieldWrite> fields;                             // at most one per (record, field)
    std::vector<QuarantineEntry> quarantine;
    std::string hlc;  // the server clock's last stamp: the stored one becomes the larger of the two
};

// The log entries of an office after a position, in log order.
struct LogPage {
    std::vector<std::string> payloads;
    std::int64_t last = 0;    // position of the last entry returned (the `after` given when none)
    std::int64_t newest = 0;  // the newest position of the whole log, read in the same snapshot
};

struct OfficeCounts {
    std::string office;
    std::int64_t devices = 0;
    std::int64_t changes = 0;
    std::int64_t persons = 0;
    std::int64_t cases = 0;
    std::int64_t quarantined = 0;
};

struct StoreCounts {
    std::int64_t devices = 0;
    std::int64_t revokedDevices = 0;
    std::int64_t changes = 0;
    std::int64_t quarantined = 0;
    std::int64_t conflicts = 0;
    std::int64_t databaseBytes = 0;
    std::string catalogVersion;
    std::vector<OfficeCounts> offices;  // by office code
};

struct SchemaVersion {
    int current = 0;
    int latest = 0;
};

// An enrollment's reads and write, atomic. Destroying it without commit
// changes nothing.
class EnrollTransaction {
public:
    virtual ~EnrollTransaction() = default;
    // The code, held until the transaction ends (two kiosks typing the same
    // code: one wins).
    virtual SyncResult<std::optional<EnrollCodeRow>> code(const std::string& codeHash) = 0;
    virtual SyncResult<std::optional<DeviceInfo>> device(const std::string& deviceId) = 0;
    // The highest device number of the office (0 when none); enrollments of
    // the office take turns from here until the transaction ends, so two never
    // get the same number.
    virtual SyncResult<int> highestNumber(const std::string& office) = 0;
    // Stores the device (replacing its row when `replace`), marks the code
    // used by it, and commits.
    virtual SyncResult<void> commit(const DeviceInfo& device, const std::string& tokenHash, bool replace,
                                    const std::string& codeHash, std::int64_t usedAt) = 0;
};

// One push, atomic: the core locks the batch's records, reads what it needs,
// merges in memory, and commits every write at once. Destroying it without
// commit changes nothing.
class PushTransaction {
public:
    virtual ~PushTransaction() = default;
    // Holds `keys` (sorted, distinct) against every other push, in this
    // process and in any other on the same database, until the transaction
    // ends; the reads below then see every push that committed before.
    virtual SyncResult<void> lockRecords(const std::vector<RecordKey>& keys) = 0;
    // The payload, as logged, of each of `changeIds` already in the log. Read
    // whole rather than by a stored hash: an unkeyed hash of a change beside
    // its sealed payload would let a stolen PostgreSQL dump test guesses of
    // the change's personal values (a phone number, a birth date).
    virtual SyncResult<std::unordered_map<std::string, std::string>> loggedPayloads(
        const std::vector<std::string>& changeIds) = 0;
    // Office and fields of each of `keys`; a record never seen is absent.
    virtual SyncResult<std::map<RecordKey, RecordState>> records(const std::vector<RecordKey>& keys) = 0;
    // Applies `writes` and commits. Log entries get their positions in commit
    // order: once a puller has read position P, every entry that will ever
    // hold a position below P has committed (no late commit behind a cursor).
    virtual SyncResult<void> commit(const PushWrites& writes) = 0;
};

class ServerRepository {
public:
    virtual ~ServerRepository() = default;

    // "sqlcipher" or "postgresql".
    virtual std::string_view backend() const = 0;

    // The schema's version and the newest this program knows. Numbered
    // migrations (each backend its own list, the same numbers for the same
    // change) bring a store from any earlier version to the latest.
    virtual SyncResult<SchemaVersion> schema() = 0;
    // Runs the missing migrations, each in its own transaction; Internal,
    // changing nothing, when the store was written by a newer server. Several
    // processes starting at once: one migrates, the others wait for it.
    virtual SyncResult<void> migrate() = 0;

    // A value of the server's own settings (epoch, server device id, clock):
    // the stored one, or `fallback` stored first when there is none (two
    // processes racing both get the one that was stored).
    virtual SyncResult<std::string> setting(const std::string& key, const std::string& fallback) = 0;
    virtual SyncResult<void> replaceSetting(const std::string& key, const std::string& value) = 0;

    virtual SyncResult<void> addEnrollCode(const std::string& codeHash, const std::string& office,
                                           std::int64_t expiresAt) = 0;
    virtual SyncResult<std::unique_ptr<EnrollTransaction>> beginEnrollment() = 0;

    virtual SyncResult<std::optional<DeviceInfo>> deviceByToken(const std::string& tokenHash) = 0;
    virtual SyncResult<void> markSeen(const std::string& deviceId, std::int64_t at) = 0;
    virtual SyncResult<std::vector<DeviceInfo>> devices() = 0;         // by office, then number
    virtual SyncResult<bool> revoke(const std::string& deviceId) = 0;  // false: no such device

    virtual SyncResult<std::unique_ptr<PushTransaction>> beginPush() = 0;
    // Entries of `office` not made by `excludeDevice` after position `after`,
    // at most `limit` of them, stopping after the first that takes the
    // payloads past `maxBytes`.
    virtual SyncResult<LogPage> changesFor(const std::string& office, const std::string& excludeDevice,
                                           std::int64_t after, std::size_t limit, std::size_t maxBytes) = 0;

    virtual SyncResult<void> publishCatalog(const std::string& version, const std::string& body, std::int64_t at) = 0;
    // version, body; nullopt when none was published.
    virtual SyncResult<std::optional<std::pair<std::string, std::string>>> catalog() = 0;

    // Counts from one snapshot.
    virtual SyncResult<StoreCounts> counts() = 0;
    // A consistent copy of the whole store while it serves, written to `to`
    // (created; never over an existing file). Unsupported (Internal, saying
    // what to use instead) where the database has its own tools.
    virtual SyncResult<void> backup(const std::filesystem::path& to) = 0;
};

class FieldCipher;

// Where a server's store is and the keys it opens with.
struct RepositoryConfig {
    std::filesystem::path dataDir;                   // the embedded store is DATA/server.db
    std::string databaseUrl;                         // postgresql://...; empty: the embedded store
    const storage::SecretBytes* storeKey = nullptr;  // the embedded store's raw SQLCipher key
    const FieldCipher* fieldCipher = nullptr;        // PostgreSQL: encrypts personal fields
};

// Opens the store without migrating it (ServerCore::open migrates).
// Internal, saying what to check, when it cannot be reached or opened.
SyncResult<std::unique_ptr<ServerRepository>> openRepository(const RepositoryConfig& config);

}  // namespace chasqui::sync
