#include "tests/support/test_store.hpp"

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "storage/records/case_repository.hpp"

namespace chasqui::test {

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "chasqui-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    m_path = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
}

int envInt(const char* name, int fallback) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') return fallback;
    int number = 0;
    const std::string_view text(value);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc{} || end != text.data() + text.size())
        throw std::invalid_argument(std::string(name) + " must be a whole number");
    return number;
}

TestStore::TestStore() {
    storage::InitOptions options;
    options.officeCode = "TUM";
    options.adminName = "Ana Admin";
    options.adminLogin = kAdminLogin;
    options.adminPin = kAdminPin;
    options.kdf = storage::KdfParams::minimumForTests();
    auto created = storage::PersonalStore::create(dataDir, options, clock);
    if (!created) throw std::runtime_error("create failed: " + created.error().message);
    reopen();
}

void TestStore::reopen() {
    store.reset();
    auto s = storage::PersonalStore::signIn(dataDir, kAdminLogin, kAdminPin, clock);
    if (!s) throw std::runtime_error("sign-in failed: " + s.error().message);
    store = std::move(*s);
}

std::string openCaseFor(storage::PersonalStore& store, const std::string& personId, const std::string& opened,
                        const std::function<void(storage::Case&)>& fill) {
    storage::Case c;
    c.personId = personId;
    c.officeId = store.session().officeId;
    c.openedDate = opened;
    if (fill) fill(c);
    auto id = storage::CaseRepository(store).open(c);
    if (!id) throw std::runtime_error("openCaseFor: " + id.error().message);
    return *id;
}

storage::Person samplePerson() {
    storage::Person p;
    p.givenNames = "María José";
    p.familyName1 = "Pérez";
    p.familyName2 = "Gómez";
    p.sex = "female";
    p.birthDate = "1990-04-12";
    p.nationality = "VEN";
    p.docType = "cedula_ven";
    p.docNumber = "V-12.345.678";
    p.phone = "+51 987 654 321";
    p.languages = {"es"};
    p.populationType = "in_destination";
    p.migrationStatus = "in_regularization";
    p.arrivalDate = "2023-02-01";
    return p;
}

std::string readBytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace chasqui::test
