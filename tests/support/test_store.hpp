#pragma once
// Shared fixtures: a fresh data directory under the system temp folder that is
// removed afterwards, and a signed-in store on it. Key derivation uses the
// smallest libsodium parameters so that suites stay fast; the kiosk and CLI
// always use KdfParams::kiosk().
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "storage/base/clock.hpp"
#include "storage/base/data_dir.hpp"
#include "storage/base/model.hpp"
#include "storage/db/personal_store.hpp"

namespace chasqui::test {

constexpr const char* kAdminLogin = "ana.admin";
constexpr const char* kAdminPin = "24681357";

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

// Number from an environment variable, or `fallback` (iteration counts).
int envInt(const char* name, int fallback);

// 2025-06-15T12:00:00Z: a fixed "now" so dates in tests are stable.
constexpr std::int64_t kTestNowMs = 1749988800000;

struct TestStore {
    TempDir dir;
    storage::ManualClock clock{kTestNowMs};
    storage::DataDir dataDir{dir.path() / "kiosk"};
    std::unique_ptr<storage::PersonalStore> store;

    TestStore();  // creates the directory (office TUM) and signs in as the admin
    void reopen();
    storage::PersonalStore& operator*() { return *store; }
    storage::PersonalStore* operator->() { return store.get(); }
};

// A valid person; tests change one field at a time.
storage::Person samplePerson();

// Opens a case for `personId` in the signed-in staff member's office, dated
// `opened`; `fill` sets what else the test needs first. Returns the case id;
// throws when the store refuses it (doctest reports the message).
std::string openCaseFor(storage::PersonalStore& store, const std::string& personId, const std::string& opened,
                        const std::function<void(storage::Case&)>& fill = {});

// Whether `text` contains `part` (messages, logs, command output).
inline bool has(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

// Reads a whole file as bytes.
std::string readBytes(const std::filesystem::path& path);

}  // namespace chasqui::test
