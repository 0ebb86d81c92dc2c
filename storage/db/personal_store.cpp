#include "storage/db/personal_store.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "storage/base/space_reserve.hpp"
#include "storage/db/meta_table.hpp"
#include "storage/db/schema.hpp"
#include "storage/keys/keyring.hpp"
#include "storage/search/search_index.hpp"

namespace chasqui::storage {

PersonalStore::PersonalStore(DataDir dir, const Clock& clock)
    : m_dir(std::move(dir)), m_clock(clock), m_ids(clock), m_hlc(clock) {}

PersonalStore::~PersonalStore() {
    lock();
}

void PersonalStore::lock() {
    m_db.reset();
    m_key.wipe();
    m_session = {};
}

WriterContext PersonalStore::writerContext() {
    return WriterContext{m_db.get(), &m_clock, &m_ids, &m_hlc, m_session.staffId, m_session.deviceId};
}

Result<void> PersonalStore::writeVoid(const std::function<Result<void>(RecordWriter&)>& work) {
    if (!m_db) return fail(ErrorCode::PermissionDenied, "the store is locked; sign in again");
    Transaction tx(*m_db);
    if (auto r = tx.begin(); !r) return r;
    RecordWriter writer(writerContext());
    if (auto r = work(writer); !r) return r;
    return tx.commit();
}

Result<std::string> PersonalStore::nextCaseCode() {
    // One statement takes the next number (init wrote 'case_seq' = 0).
    auto next = m_db->readOne(
        "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'case_seq' RETURNING CAST(value AS INTEGER)",
        [](const Stmt& s) { return s.integer(0); });
    if (!next) return std::unexpected(next.error());
    if (!*next)
        return fail(ErrorCode::Damaged, "the store has no case counter (meta 'case_seq'); restore it from a backup");
    return fmt::format("{}-{:02}-{:05}", m_session.officeCode, m_session.deviceNumber, **next);
}

Result<std::unique_ptr<PersonalStore>> PersonalStore::openWithKey(const DataDir& dir, SecretBytes key,
                                                                  const std::string& staffId, const Clock& clock,
                                                                  StoreTuning tuning) {
    std::unique_ptr<PersonalStore> store(new PersonalStore(dir, clock));
    store->m_key = std::move(key);
    OpenOptions options;
    options.rawKey = tuning.encrypted ? &store->m_key : nullptr;
    options.cachePages = tuning.cachePages;
    options.durable = tuning.durable;
    auto db = Db::open(dir.personalDb().string(), options);
    if (!db) return std::unexpected(db.error());
    store->m_db = std::make_unique<Db>(std::move(*db));
    auto before = migrate(*store->m_db);
    if (!before) return std::unexpected(before.error());
    // Migration 10 (FTS5 with sound keys) leaves the index empty and asks for
    // a rebuild through meta; it runs in one transaction with clearing the
    // request, so a crash mid-rebuild repeats it on the next open.
    auto rebuild = readMeta(*store->m_db, "search_index_rebuild");
    if (!rebuild) return std::unexpected(rebuild.error());
    if (!rebuild->empty()) {
        Transaction tx(*store->m_db);
        if (auto r = tx.begin(); !r) return std::unexpected(r.error());
        if (auto r = rebuildSearchIndex(*store->m_db); !r) return std::unexpected(r.error());
        if (auto r = store->m_db->exec("DELETE FROM meta WHERE key = 'search_index_rebuild'"); !r)
            return std::unexpected(r.error());
        if (auto r = tx.commit(); !r) return std::unexpected(r.error());
    }
    // Never reuse a clock stamp after a restart.
    auto last = store->m_db->prepare("SELECT hlc FROM changes ORDER BY seq DESC LIMIT 1");
    if (!last) return std::unexpected(last.error());
    if (auto row = last->step(); row && *row) {
        HlcStamp stamp;
        if (HlcStamp::decode(last->text(0), stamp)) store->m_hlc.restore(stamp);
    }
    last->reset();
    if (!staffId.empty()) {
        if (auto r = store->loadSession(staffId); !r) return std::unexpected(r.error());
    }
    return store;
}

Result<void> PersonalStore::loadSession(const std::string& staffId) {
    Session s;
    s.staffId = staffId;
    auto active = m_db->readOne(
        "SELECT s.login, s.name, s.role, s.office_id, s.active, o.code FROM staff s "
        "JOIN offices o ON o.id = s.office_id WHERE s.id = ? AND s.deleted = 0",
        [&](const Stmt& row) {
            s.login = row.text(0);
            s.name = row.text(1);
            s.role = row.text(2);
            s.officeId = row.text(3);
            s.officeCode = row.text(5);
            return row.integer(4) != 0;
        },
        staffId);
    if (!active) return std::unexpected(active.error());
    if (!*active) return fail(ErrorCode::AccountLocked, "this staff account no longer exists on this kiosk");
    if (!**active) return fail(ErrorCode::AccountLocked, "this staff account is disabled; ask a supervisor");
    auto meta = m_db->prepare("SELECT key, value FROM meta WHERE key IN ('device_id', 'device_number')");
    if (!meta) return std::unexpected(meta.error());
    for (;;) {
        auto r = meta->step();
        if (!r) return std::unexpected(r.error());
        if (!*r) break;
        if (meta->text(0) == "device_id")
            s.deviceId = meta->text(1);
        else
            s.deviceNumber = std::stoi(meta->text(1));
    }
    meta->reset();
    if (s.deviceId.empty())
        return fail(ErrorCode::Damaged, "the store has no device identity; restore it from a backup");
    m_session = std::move(s);
    return {};
}

namespace {

// Refuses before anything is counted or created: SQLite would make a new,
// empty store at the path, and the staff account would then seem not to exist.
Result<void> requireStoreFile(const DataDir& dir) {
    std::error_code ec;
    const auto status = std::filesystem::status(dir.personalDb(), ec);
    if (status.type() == std::filesystem::file_type::regular) return {};
    if (status.type() == std::filesystem::file_type::not_found) {
        return fail(ErrorCode::Damaged,
                    fmt::format("the personal-data store {} is missing. Restore the data directory from a backup, "
                                "or re-initialize this kiosk (move the directory away, `chasqui init`, enroll and "
                                "sync). Nothing was changed and no sign-in attempt was counted.",
                                dir.personalDb().string()),
                    kPersonalDbPart);
    }
    return fail(ErrorCode::Damaged,
                fmt::format("the personal-data store {} is not a regular file; restore the data directory from a "
                            "backup. Nothing was changed and no sign-in attempt was counted.",
                            dir.personalDb().string()),
                kPersonalDbPart);
}

Error notCounted(const Error& error) {
    return Error{
        error.code,
        fmt::format("this sign-in attempt could not be counted, so the PIN was not checked: {}", error.message),
        error.field};
}

}  // namespace

Result<void> PersonalStore::checkKeyringHistory(const Keyring& keyring, bool wasUnsigned) {
    // The store mirrors the keyring's generation: a keyring restored from
    // before the previous successful sign-in (failure counters and locks
    // reset) has a lower one. See storage/SECURITY.md for what this cannot see.
    auto stored = readMeta(*m_db, "keyring_generation");
    if (!stored) return std::unexpected(stored.error());
    auto signedBefore = readMeta(*m_db, "keyring_signed");
    if (!signedBefore) return std::unexpected(signedBefore.error());
    std::uint64_t previous = 0;
    if (!stored->empty()) previous = std::strtoull(stored->c_str(), nullptr, 10);
    // Every sign-in saves the keyring twice (count, then reset), so after an
    // honest history the generation is at least two past the stored one.
    const bool rolledBack = !stored->empty() && !wasUnsigned && keyring.generation < previous + 2;
    const bool downgraded = wasUnsigned && *signedBefore == "1";
    return writeVoid([&](RecordWriter& w) -> Result<void> {
        if (rolledBack) {
            if (auto r = w.audit("keyring_rollback", "staff", m_session.staffId); !r) return r;
            m_session.securityWarning =
                "keyring.json is older than at the previous sign-in: it was restored from a copy, which resets "
                "failed-PIN counters and locks. This was recorded in the audit log; tell your administrator.";
        }
        if (downgraded) {
            if (auto r = w.audit("keyring_downgrade", "staff", m_session.staffId); !r) return r;
            m_session.securityWarning =
                "keyring.json had lost its signature (an unsigned copy replaced it), which can reset failed-PIN "
                "counters and locks. This was recorded in the audit log; tell your administrator.";
        }
        if (auto r = writeMeta(*m_db, "keyring_generation", std::to_string(keyring.generation)); !r) return r;
        return writeMeta(*m_db, "keyring_signed", "1");
    });
}

Result<std::unique_ptr<PersonalStore>> PersonalStore::signIn(const DataDir& dir, const std::string& login,
                                                             std::string_view pin, const Clock& clock,
                                                             StoreTuning tuning) {
    // Checks the device secret and the keyring's signature before anything else.
    auto keyring = loadKeyring(dir);
    if (!keyring) return std::unexpected(keyring.error());
    if (auto r = requireStoreFile(dir); !r) return std::unexpected(r.error());
    Credential* cred = keyring->find(login);
    if (cred == nullptr) {
        return fail(ErrorCode::WrongCredential,
                    fmt::format("there is no staff account '{}' on this kiosk; check the login", login));
    }
    if (cred->locked) {
        return fail(ErrorCode::AccountLocked,
                    "this account is locked after too many wrong PINs; a supervisor must reset the PIN");
    }
    const std::int64_t now = clock.nowMs();
    if (const std::int64_t wait = signInWaitMs(*cred, now); wait > 0) {
        return fail(ErrorCode::Throttled,
                    fmt::format("too many wrong PINs: wait {} seconds before trying again", (wait + 999) / 1000));
    }
    auto secret = loadDeviceSecret(dir);
    if (!secret) return std::unexpected(secret.error());
    // Count the attempt on disk before checking the PIN, so that killing the
    // process during the check does not give a free guess. When it cannot be
    // written (even after releasing the space reserve) the PIN is not checked.
    cred->failures += 1;
    cred->lastFailureMs = now;
    if (auto r = saveKeyring(dir, *keyring); !r) return std::unexpected(notCounted(r.error()));
    auto key = unwrapDataKey(cred->wrap, pin, *secret, cred->staffId);
    if (!key) {
        if (key.error().code != ErrorCode::WrongCredential) return std::unexpected(key.error());
        const int left = kMaxFailures - cred->failures;
        if (left <= 0) {
            cred->locked = true;
            (void)saveKeyring(dir, *keyring);
            return fail(ErrorCode::AccountLocked,
                        "wrong PIN; the account is now locked. A supervisor must reset the PIN");
        }
        return fail(ErrorCode::WrongCredential,
                    fmt::format("wrong PIN; {} attempts left before the account locks", left));
    }
    const int failuresBefore = cred->failures - 1;
    cred->failures = 0;
    cred->lastFailureMs = 0;
    // The PIN opened a wrap made with this device secret: safe to sign with it now.
    const bool wasUnsigned = keyring->legacyUnsigned;
    keyring->legacyUnsigned = false;
    if (auto r = saveKeyring(dir, *keyring); !r) return std::unexpected(r.error());
    auto store = openWithKey(dir, std::move(*key), cred->staffId, clock, tuning);
    if (!store) return store;
    // The failed attempts could not be audited while the store was closed.
    auto audited = (*store)->writeVoid([&](RecordWriter& w) -> Result<void> {
        for (int i = 0; i < failuresBefore; ++i) {
            if (auto r = w.audit("failed_sign_in", "staff", cred->staffId); !r) return r;
        }
        return w.audit("sign_in", "staff", cred->staffId);
    });
    if (!audited) return std::unexpected(audited.error());
    if (auto r = (*store)->checkKeyringHistory(*keyring, wasUnsigned); !r) return std::unexpected(r.error());
    // Made again once there is room, for the next time the disk fills up.
    ensureSpaceReserve(dir);
    return store;
}

}  // namespace chasqui::storage
