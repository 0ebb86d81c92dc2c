// PersonalStore::create: a new kiosk data directory with its first administrator.
#include <filesystem>

#include <fmt/format.h>

#include "storage/base/space_reserve.hpp"
#include "storage/base/text.hpp"
#include "storage/base/validation.hpp"
#include "storage/db/personal_store.hpp"
#include "storage/db/schema.hpp"
#include "storage/keys/keyring.hpp"

namespace chasqui::storage {

namespace fs = std::filesystem;

namespace {

// Office code -> UBIGEO of the city where that office usually is.
std::string defaultDistrict(std::string_view code) {
    if (code == "TUM") return "240101";
    if (code == "LIM") return "150101";
    if (code == "PIU") return "200101";
    if (code == "TAC") return "230101";
    if (code == "PUN") return "210101";
    if (code == "ARE") return "040101";
    if (code == "LLI") return "130101";
    return "150101";
}

}  // namespace

std::string loginFromName(std::string_view name) {
    std::string folded = foldForSearch(name);
    std::string login;
    for (char c : folded) {
        if (c == ' ')
            login.push_back('.');
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            login.push_back(c);
    }
    if (login.size() > 32) login.resize(32);
    while (!login.empty() && login.back() == '.') login.pop_back();
    return login;
}

Result<void> PersonalStore::create(const DataDir& dir, const InitOptions& opt, const Clock& clock, StoreTuning tuning) {
    if (dir.initialized()) {
        return fail(ErrorCode::AlreadyExists, fmt::format("{} already holds a Chasqui data directory; choose another "
                                                          "directory or remove this one first",
                                                          dir.root.string()));
    }
    if (auto r = checkOfficeCode(opt.officeCode); !r) return r;
    if (auto r = checkText("admin_name", opt.adminName, 2, 120); !r) return r;
    const std::string login = opt.adminLogin.empty() ? loginFromName(opt.adminName) : opt.adminLogin;
    if (auto r = checkLogin(login); !r) return r;
    if (auto r = checkPinPolicy(opt.adminPin, "admin"); !r) return r;
    if (opt.deviceNumber < 1 || opt.deviceNumber > 999) return invalid("device_number", "device number must be 1-999");

    std::error_code ec;
    fs::create_directories(dir.root, ec);
    if (ec) return fail(ErrorCode::Io, fmt::format("cannot create {}: {}", dir.root.string(), ec.message()));
    fs::permissions(dir.root, fs::perms::owner_all, fs::perm_options::replace, ec);
    // A half-made directory from an interrupted init is replaced.
    fs::remove(dir.personalDb(), ec);
    fs::remove(dir.personalDb().string() + "-wal", ec);
    fs::remove(dir.personalDb().string() + "-shm", ec);
    if (auto r = createDeviceSecret(dir); !r) return r;
    auto secret = loadDeviceSecret(dir);
    if (!secret) return std::unexpected(secret.error());

    SecretBytes dataKey = SecretBytes::random(32);
    UuidV7Generator ids(clock);
    const std::string deviceId = ids.next();
    const std::string adminId = ids.next();
    auto wrap = wrapDataKey(dataKey, opt.adminPin, *secret, adminId, opt.kdf);
    if (!wrap) return std::unexpected(wrap.error());

    auto store = openWithKey(dir, std::move(dataKey), {}, clock, tuning);
    if (!store) return std::unexpected(store.error());
    PersonalStore& s = **store;
    s.m_session.staffId = adminId;
    s.m_session.deviceId = deviceId;
    auto created = s.writeVoid([&](RecordWriter& w) -> Result<void> {
        Office office{{},
                      opt.officeCode,
                      opt.officeName.empty() ? "Oficina " + opt.officeCode : opt.officeName,
                      opt.officeDistrict.empty() ? defaultDistrict(opt.officeCode) : opt.officeDistrict};
        if (auto r = validateOffice(office); !r) return r;
        auto officeId =
            w.insert("office", {{"code", office.code}, {"name", office.name}, {"district", office.district}});
        if (!officeId) return std::unexpected(officeId.error());
        auto staffId = w.insert("staff",
                                {{"login", login},
                                 {"name", opt.adminName},
                                 {"role", std::string("admin")},
                                 {"office_id", *officeId},
                                 {"active", std::int64_t{1}}},
                                adminId);
        if (!staffId) return std::unexpected(staffId.error());
        auto meta = s.db().prepare("INSERT INTO meta(key, value) VALUES (?, ?)");
        if (!meta) return std::unexpected(meta.error());
        for (const auto& [key, value] : {std::pair<std::string, std::string>{"device_id", deviceId},
                                         {"device_number", std::to_string(opt.deviceNumber)},
                                         {"office_id", *officeId},
                                         {"case_seq", "0"}}) {
            meta->bind(1, key).bind(2, value);
            if (auto r = meta->run(); !r) return r;
        }
        return {};
    });
    if (!created) return created;
    s.lock();

    Keyring keyring;
    keyring.deviceId = deviceId;
    keyring.officeCode = opt.officeCode;
    keyring.deviceNumber = opt.deviceNumber;
    keyring.primaryLogin = login;
    keyring.credentials.push_back(Credential{adminId, login, "admin", *wrap, 0, 0, false});
    // The keyring is written last: a directory without it is not initialized,
    // so an interrupted init can simply be run again.
    if (auto r = saveKeyring(dir, keyring); !r) return r;
    // Best effort: without room for it now, the next sign-in makes it.
    ensureSpaceReserve(dir);
    return {};
}

}  // namespace chasqui::storage
