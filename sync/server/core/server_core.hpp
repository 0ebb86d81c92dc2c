#pragma once
// The central server's core: enrollment, device credentials, pushes
// (validation, scope, merge, conflicts), pulls, the catalog and the status,
// over a ServerRepository (sync/server/repository/server_repository.hpp:
// embedded SQLCipher by default, PostgreSQL with a database URL). No SQL
// here and no HTTP: errors are SyncError values (sync/protocol/sync_error.hpp)
// and the HTTP layer (sync/server/http/http_errors.hpp) chooses the status.
//
// Threading: every public method may be called from any thread; the
// repository decides what runs side by side (see its contracts). Several
// processes may serve one PostgreSQL database: they share the keys of one
// data directory (the sealing key pair, the field key, the admin token).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/base/clock.hpp"
#include "storage/base/secret.hpp"
#include "storage/records/ids.hpp"
#include "sync/protocol/batch_signature.hpp"
#include "sync/protocol/sync_error.hpp"
#include "sync/server/repository/field_cipher.hpp"
#include "sync/server/repository/server_repository.hpp"

namespace chasqui::sync {

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

// What `chasqui-server status` and GET /v1/admin/status show.
struct ServerStatus {
    std::string backend;  // "sqlcipher" | "postgresql"
    SchemaVersion schema;
    StoreCounts counts;
    std::vector<DeviceInfo> devices;  // with their last-seen times
};

// Where the server keeps its state.
struct ServerLocation {
    std::filesystem::path dataDir;  // keys (and the embedded store) live here
    std::string databaseUrl;        // postgresql://...; empty: the embedded store
};

class ServerCore {
public:
    // Opens the server at `where` (creating its keys on first use: the box key
    // pair DATA/server.box, and for the embedded store its key
    // DATA/server.db.key, all 0600) and brings the store's schema up to date.
    // Internal when the directory, a key file or the database cannot be used,
    // or when the database was written by a newer server.
    static SyncResult<std::unique_ptr<ServerCore>> open(const ServerLocation& where, const storage::Clock& clock);
    // The embedded store in `dir`.
    static SyncResult<std::unique_ptr<ServerCore>> open(const std::filesystem::path& dir, const storage::Clock& clock) {
        return open(ServerLocation{dir, {}}, clock);
    }

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

    // Changes (push_processor.cpp and server_core.cpp).
    // TooLarge past kMaxChangesPerList changes; a bad change is quarantined
    // in the summary, never an error of the whole push.
    SyncResult<PushSummary> push(const DeviceInfo& device, std::vector<nlohmann::json> changes);
    // CursorExpired for a cursor of another server database, BadRequest for a malformed one.
    SyncResult<PullPage> pull(const DeviceInfo& device, const std::string& cursor, std::size_t limit);

    // Catalog (published JSON as imported; validated by the caller).
    SyncResult<void> publishCatalog(const std::string& version, const std::string& json);
    SyncResult<std::pair<std::string, std::string>> catalog();  // version, json; empty when none

    SyncResult<ServerStatus> status();
    // The embedded store, copied while it serves (sqlcipher only).
    SyncResult<void> backup(const std::filesystem::path& to);
    // After a restore: a new epoch, so every kiosk's cursor expires and each
    // pulls again from the start (positions of the restored log may repeat).
    SyncResult<void> startNewEpoch();

    ServerRepository& repository() { return *m_repo; }

    static constexpr std::int64_t kLastSeenResolutionMs = 60 * 1000;

private:
    explicit ServerCore(const storage::Clock& clock) : m_clock(clock), m_ids(clock), m_hlc(clock) {}
    friend class PushProcessor;

    const storage::Clock& m_clock;
    storage::SecretBytes m_storeKey;
    std::string m_boxPublic;
    storage::SecretBytes m_boxSecret;
    std::unique_ptr<FieldCipher> m_fieldCipher;  // PostgreSQL only; outlives m_repo
    std::unique_ptr<ServerRepository> m_repo;
    std::string m_epoch;     // changes when the store is recreated or restored: old cursors expire
    std::string m_serverId;  // device id the server signs its own changes (conflicts) with
    storage::UuidV7Generator m_ids;
    std::mutex m_hlcMutex;  // held for every use of m_hlc
    storage::HybridLogicalClock m_hlc;
};

// Reads a 32-byte secret file, creating it with random bytes on first use (0600).
SyncResult<storage::SecretBytes> serverSecretFile(const std::filesystem::path& path);

}  // namespace chasqui::sync
