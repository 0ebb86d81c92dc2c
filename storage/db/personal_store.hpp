#pragma once
// The personal-data store of one kiosk, open for one signed-in staff member.
// Created by signIn(); lock() (or destruction) closes the database and wipes
// the data key. Not thread-safe: the owner (the kiosk's storage worker, or the
// CLI) uses it from one thread.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "storage/base/clock.hpp"
#include "storage/base/data_dir.hpp"
#include "storage/base/error.hpp"
#include "storage/base/secret.hpp"
#include "storage/base/sqlite_db.hpp"
#include "storage/keys/key_wrap.hpp"
#include "storage/records/ids.hpp"
#include "storage/records/record_writer.hpp"

namespace chasqui::storage {

struct Keyring;

struct Session {
    std::string staffId;
    std::string login;
    std::string name;
    std::string role;  // staff | supervisor | admin
    std::string officeId;
    std::string officeCode;
    std::string deviceId;
    int deviceNumber = 1;
    bool isSupervisor() const { return role == "supervisor" || role == "admin"; }
    bool isAdmin() const { return role == "admin"; }
    // Set at sign-in when the keyring's history looks rolled back (see
    // storage/SECURITY.md); shown to the staff member, never blocking.
    std::string securityWarning;
};

struct InitOptions {
    std::string officeCode;      // "TUM"
    std::string officeName;      // defaults to "Oficina TUM"
    std::string officeDistrict;  // UBIGEO; defaults to a known district for known office codes
    std::string adminName;
    std::string adminLogin;  // defaults to a login made from adminName
    std::string adminPin;
    int deviceNumber = 1;
    KdfParams kdf = KdfParams::kiosk();
};

struct StoreTuning {
    int cachePages = 4000;  // 16 MiB page cache
    bool durable = true;    // synchronous=FULL
    bool encrypted = true;  // false only for the benchmark's plain baseline
};

// Lower-case login made from a display name: "María Quispe" -> "maria.quispe".
std::string loginFromName(std::string_view name);

class PersonalStore {
public:
    // Creates a new data directory with its first administrator. `tuning` is
    // for the benchmark's plain-SQLite baseline only; kiosks use the default.
    static Result<void> create(const DataDir& dir, const InitOptions& options, const Clock& clock,
                               StoreTuning tuning = {});
    // Throttled sign-in: WrongCredential, Throttled or AccountLocked on failure,
    // with the attempt counted on disk before the PIN is even checked.
    static Result<std::unique_ptr<PersonalStore>> signIn(const DataDir& dir, const std::string& login,
                                                         std::string_view pin, const Clock& clock,
                                                         StoreTuning tuning = {});
    ~PersonalStore();
    PersonalStore(const PersonalStore&) = delete;
    PersonalStore& operator=(const PersonalStore&) = delete;

    const Session& session() const { return m_session; }
    const DataDir& dataDir() const { return m_dir; }
    const Clock& clock() const { return m_clock; }
    std::string today() const { return localDate(m_clock.nowMs()); }
    Db& db() { return *m_db; }
    bool isOpen() const { return m_db != nullptr; }

    // Runs `work` in one transaction with a writer bound to this session;
    // commits when it succeeds, rolls everything back when it fails.
    template <typename T>
    Result<T> write(const std::function<Result<T>(RecordWriter&)>& work);
    Result<void> writeVoid(const std::function<Result<void>(RecordWriter&)>& work);
    // A writer bound to this session for work inside a transaction the caller
    // already holds on db() (the sync applier's page); it commits nothing.
    RecordWriter writer() { return RecordWriter(writerContext()); }

    // Next case code of this device: OFFICE-DEVICE-SEQUENCE ("TUM-03-00042").
    // Must be called inside write().
    Result<std::string> nextCaseCode();

    // Moves this device's hybrid logical clock past a stamp seen in a change
    // from another device, so that any later local edit orders after it.
    void observeClock(const HlcStamp& remote) { m_hlc.observe(remote); }

    // Closes the database and wipes the key; every later call fails.
    void lock();

    // Store made from an already unwrapped key (sign-in, and the benchmark's
    // plain baseline with encrypted = false).
    static Result<std::unique_ptr<PersonalStore>> openWithKey(const DataDir& dir, SecretBytes key,
                                                              const std::string& staffId, const Clock& clock,
                                                              StoreTuning tuning);

private:
    friend class StaffAdmin;  // wraps the data key for new and reset credentials
    PersonalStore(DataDir dir, const Clock& clock);
    Result<void> loadSession(const std::string& staffId);
    Result<void> checkKeyringHistory(const Keyring& keyring, bool wasUnsigned);
    WriterContext writerContext();

    DataDir m_dir;
    const Clock& m_clock;
    SecretBytes m_key;
    std::unique_ptr<Db> m_db;
    Session m_session;
    UuidV7Generator m_ids;
    HybridLogicalClock m_hlc;
};

template <typename T>
Result<T> PersonalStore::write(const std::function<Result<T>(RecordWriter&)>& work) {
    if (!m_db) return fail(ErrorCode::PermissionDenied, "the store is locked; sign in again");
    Transaction tx(*m_db);
    if (auto r = tx.begin(); !r) return std::unexpected(r.error());
    RecordWriter writer(writerContext());
    auto result = work(writer);
    if (!result) return result;
    if (auto r = tx.commit(); !r) return std::unexpected(r.error());
    return result;
}

}  // namespace chasqui::storage
