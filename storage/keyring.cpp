#include "storage/keyring.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/data_dir.hpp"

namespace chasqui::storage {

using nlohmann::json;

Credential* Keyring::find(const std::string& login) {
    for (auto& c : credentials)
        if (c.login == login) return &c;
    return nullptr;
}

Credential* Keyring::findByStaffId(const std::string& staffId) {
    for (auto& c : credentials)
        if (c.staffId == staffId) return &c;
    return nullptr;
}

std::int64_t signInWaitMs(const Credential& credential, std::int64_t nowMs) {
    if (credential.failures < kFreeAttempts) return 0;
    const int steps = std::min(credential.failures - kFreeAttempts, 6);
    const std::int64_t wait = std::min<std::int64_t>(5000LL << steps, 300000);
    const std::int64_t until = credential.lastFailureMs + wait;
    return until > nowMs ? until - nowMs : 0;
}

Result<Keyring> loadKeyring(const std::filesystem::path& path) {
    auto text = readSmallFile(path, 4 * 1024 * 1024);
    if (!text) {
        return fail(ErrorCode::NotFound, fmt::format("{} is missing: this is not a Chasqui data directory "
                                                     "(create one with `chasqui init`)",
                                                     path.string()));
    }
    const auto damaged = [&](std::string_view why) {
        return fail(ErrorCode::Damaged, fmt::format("the keyring {} is damaged ({}); restore the data directory from a backup",
                                                    path.string(), why));
    };
    json doc = json::parse(*text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return damaged("not valid JSON");
    try {
        if (doc.at("format").get<std::string>() != "chasqui-keyring" || doc.at("version").get<int>() != 1)
            return damaged("unknown format or version");
        Keyring k;
        k.deviceId = doc.at("device_id").get<std::string>();
        k.officeCode = doc.at("office").get<std::string>();
        k.deviceNumber = doc.at("device_number").get<int>();
        k.primaryLogin = doc.at("primary_login").get<std::string>();
        for (const auto& c : doc.at("credentials")) {
            Credential cred;
            cred.staffId = c.at("staff_id").get<std::string>();
            cred.login = c.at("login").get<std::string>();
            cred.role = c.at("role").get<std::string>();
            cred.wrap.salt = c.at("salt").get<std::string>();
            cred.wrap.nonce = c.at("nonce").get<std::string>();
            cred.wrap.ciphertext = c.at("wrapped_key").get<std::string>();
            cred.wrap.kdf.opsLimit = c.at("kdf_ops").get<std::uint64_t>();
            cred.wrap.kdf.memLimit = c.at("kdf_mem").get<std::size_t>();
            cred.failures = c.at("failures").get<int>();
            cred.lastFailureMs = c.at("last_failure_ms").get<std::int64_t>();
            cred.locked = c.at("locked").get<bool>();
            k.credentials.push_back(std::move(cred));
        }
        return k;
    } catch (const json::exception& e) {
        return damaged(e.what());
    }
}

Result<void> saveKeyring(const std::filesystem::path& path, const Keyring& k) {
    json credentials = json::array();
    for (const auto& c : k.credentials) {
        credentials.push_back({{"staff_id", c.staffId},
                               {"login", c.login},
                               {"role", c.role},
                               {"kdf", "argon2id13+blake2b-device-secret+xchacha20poly1305"},
                               {"kdf_ops", c.wrap.kdf.opsLimit},
                               {"kdf_mem", c.wrap.kdf.memLimit},
                               {"salt", c.wrap.salt},
                               {"nonce", c.wrap.nonce},
                               {"wrapped_key", c.wrap.ciphertext},
                               {"failures", c.failures},
                               {"last_failure_ms", c.lastFailureMs},
                               {"locked", c.locked}});
    }
    const json doc = {{"format", "chasqui-keyring"},   {"version", 1},
                      {"device_id", k.deviceId},       {"office", k.officeCode},
                      {"device_number", k.deviceNumber}, {"primary_login", k.primaryLogin},
                      {"credentials", credentials}};
    return writeFileAtomically(path, doc.dump(2) + "\n");
}

}  // namespace chasqui::storage
