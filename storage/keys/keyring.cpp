#include "storage/keys/keyring.hpp"

#include <sodium.h>

#include <algorithm>
#include <cerrno>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/base/space_reserve.hpp"

namespace chasqui::storage {

using nlohmann::json;

namespace {

constexpr std::string_view kMacContext = "chasqui-keyring-mac-v1";
constexpr std::string_view kCheckContext = "chasqui-device-secret-check-v1";
constexpr int kSignedVersion = 2;

// BLAKE2b-256 keyed with `key` over `message`.
std::string keyedHash(const unsigned char* key, std::size_t keySize, std::string_view message) {
    unsigned char out[crypto_generichash_BYTES];
    crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(message.data()), message.size(), key,
                       keySize);
    std::string text = toBase64(out, sizeof out);
    sodium_memzero(out, sizeof out);
    return text;
}

// Public: it names the device secret without revealing it (a keyed hash of a
// fixed string), so a foreign secret is told apart from an edited keyring.
std::string deviceCheck(const SecretBytes& secret) {
    return keyedHash(secret.data(), secret.size(), kCheckContext);
}

// The MAC key is derived, not the device secret itself, so the two uses of
// the secret (wrapping keys, signing the keyring) never share a key.
std::string keyringMac(const SecretBytes& secret, const json& unsignedDoc) {
    SecretBytes macKey(crypto_generichash_BYTES);
    crypto_generichash(macKey.data(), macKey.size(), reinterpret_cast<const unsigned char*>(kMacContext.data()),
                       kMacContext.size(), secret.data(), secret.size());
    // nlohmann's dump() is canonical for what we write: keys sorted, integers and
    // strings in one form, so parse-then-dump reproduces the signed bytes.
    return keyedHash(macKey.data(), macKey.size(), unsignedDoc.dump());
}

bool sameText(const std::string& a, const std::string& b) {
    return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<Keyring> parseKeyring(const json& doc, const std::filesystem::path& path) {
    const auto damaged = [&](std::string_view why) {
        return fail(
            ErrorCode::Damaged,
            fmt::format("the keyring {} is damaged ({}); restore the data directory from a backup", path.string(), why),
            kKeyringPart);
    };
    try {
        Keyring k;
        k.deviceId = doc.at("device_id").get<std::string>();
        k.officeCode = doc.at("office").get<std::string>();
        k.deviceNumber = doc.at("device_number").get<int>();
        k.primaryLogin = doc.at("primary_login").get<std::string>();
        if (doc.contains("generation")) k.generation = doc.at("generation").get<std::uint64_t>();
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
            if (cred.failures < 0) return damaged("a negative failure counter");
            k.credentials.push_back(std::move(cred));
        }
        return k;
    } catch (const json::exception& e) {
        return damaged(e.what());
    }
}

json credentialsJson(const Keyring& k) {
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
    return credentials;
}

}  // namespace

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

Result<Keyring> loadKeyring(const DataDir& dir) {
    const std::filesystem::path path = dir.keyring();
    auto text = readSmallFile(path, 4 * 1024 * 1024);
    if (!text && text.error().code == ErrorCode::NotFound) {
        return fail(ErrorCode::NotFound, fmt::format("{} is missing: this is not a Chasqui data directory "
                                                     "(create one with `chasqui init`)",
                                                     path.string()));
    }
    if (!text) return fail(ErrorCode::Damaged, text.error().message, kKeyringPart);
    const auto damaged = [&](std::string_view why) {
        return fail(
            ErrorCode::Damaged,
            fmt::format("the keyring {} is damaged ({}); restore the data directory from a backup", path.string(), why),
            kKeyringPart);
    };
    json doc = json::parse(*text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return damaged("not valid JSON");
    const json* format = doc.contains("format") ? &doc["format"] : nullptr;
    const json* version = doc.contains("version") ? &doc["version"] : nullptr;
    if (format == nullptr || !format->is_string() || *format != "chasqui-keyring" || version == nullptr ||
        !version->is_number_integer())
        return damaged("unknown format or version");
    if (*version == 1) {
        if (doc.contains("mac")) return damaged("unknown format or version");
        auto legacy = parseKeyring(doc, path);
        if (legacy) legacy->legacyUnsigned = true;
        return legacy;
    }
    if (*version != kSignedVersion) return damaged("unknown format or version");
    if (!doc.contains("mac") || !doc["mac"].is_string() || !doc.contains("device_check") ||
        !doc["device_check"].is_string())
        return damaged("its signature is missing");
    auto secret = loadDeviceSecret(dir);
    if (!secret) return std::unexpected(secret.error());
    // The device secret is checked first: with a foreign secret every PIN would
    // look wrong and lock staff out. Nothing is counted or written here.
    if (!sameText(doc["device_check"].get<std::string>(), deviceCheck(*secret))) {
        return fail(ErrorCode::Damaged,
                    fmt::format("the device secret {} does not belong to this kiosk's keyring {}: it is another "
                                "kiosk's secret or was replaced. Re-attach this kiosk's own device secret (see "
                                "CHASQUI_DEVICE_SECRET); do not restore the data. No PIN was checked and no attempt "
                                "was counted.",
                                dir.deviceSecretPath.string(), path.string()),
                    kDeviceSecretPart);
    }
    const std::string mac = doc["mac"].get<std::string>();
    doc.erase("mac");
    if (!sameText(mac, keyringMac(*secret, doc))) {
        return fail(ErrorCode::Damaged,
                    fmt::format("the keyring {} was changed outside Chasqui (its signature does not match), so no "
                                "one can sign in with it. Keep a copy for investigation and restore the data "
                                "directory from a backup.",
                                path.string()),
                    kKeyringPart);
    }
    return parseKeyring(doc, path);
}

Result<void> saveKeyring(const DataDir& dir, Keyring& k) {
    json doc = {{"format", "chasqui-keyring"},      {"version", 1},
                {"device_id", k.deviceId},          {"office", k.officeCode},
                {"device_number", k.deviceNumber},  {"primary_login", k.primaryLogin},
                {"credentials", credentialsJson(k)}};
    k.generation += 1;
    if (!k.legacyUnsigned) {
        auto secret = loadDeviceSecret(dir);
        if (!secret) return std::unexpected(secret.error());
        doc["version"] = kSignedVersion;
        doc["generation"] = k.generation;
        doc["device_check"] = deviceCheck(*secret);
        doc["mac"] = keyringMac(*secret, doc);
    }
    const std::string content = doc.dump(2) + "\n";
    int errorNumber = 0;
    auto written = writeFileAtomically(dir.keyring(), content, errorNumber);
    // The disk is full: the reserve exists for exactly this write (a sign-in
    // attempt must be counted before its PIN is checked).
    if (!written && errorNumber == ENOSPC && releaseSpaceReserve(dir))
        written = writeFileAtomically(dir.keyring(), content, errorNumber);
    return written;
}

Result<Keyring> loadKeyring(const std::filesystem::path& path) {
    return loadKeyring(DataDir(path.parent_path()));
}

Result<void> saveKeyring(const std::filesystem::path& path, Keyring& keyring) {
    return saveKeyring(DataDir(path.parent_path()), keyring);
}

}  // namespace chasqui::storage
