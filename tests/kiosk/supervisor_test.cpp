// The supervisor's screens: reached by a supervisor and politely refused to a
// staff member; conflicts resolved both ways with taps and checked in the
// store; the monthly report on screen and exported as CSV; staff accounts
// added (then signing in), given a new PIN and disabled; the kiosk enrolled
// against a real chasqui-server, a used code explained, and "sync now".
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "kiosk/core/translations.hpp"
#include "storage/records/case_repository.hpp"
#include "storage/records/person_repository.hpp"
#include "sync/client/device_link.hpp"
#include "sync/client/sync_worker.hpp"
#include "tests/kiosk/support/kiosk_fixture.hpp"
#include "tests/server/server_harness.hpp"
#include "tests/support/conflict_seed.hpp"

using namespace chasqui;
using kiosk::ScreenId;

namespace {

std::string tr(test::HeadlessKiosk& k, const char* key) {
    return k.app().i18n().tr(key);
}

void checkScreen(test::HeadlessKiosk& k, const char* what) {
    const auto small = k.smallTargets();
    CHECK_MESSAGE(small.empty(), what << ": small target " << (small.empty() ? "" : small.front()));
    const auto dups = k.duplicateIds();
    CHECK_MESSAGE(dups.empty(), what << ": duplicate id " << (dups.empty() ? "" : dups.front()));
    const auto missing = k.app().i18n().missingKeys();
    CHECK_MESSAGE(missing.empty(), what << ": missing key " << (missing.empty() ? "" : missing.front()));
}

void openSupervisor(test::KioskFixture& f) {
    auto& k = *f.kiosk;
    REQUIRE(k.screen() == ScreenId::StaffHome);
    REQUIRE(k.tap("home.supervisor"));
    REQUIRE(k.screen() == ScreenId::SupervisorHome);
    k.settle();
}

void openTool(test::KioskFixture& f, const char* key, ScreenId screen) {
    openSupervisor(f);
    REQUIRE(f.kiosk->tap(key));
    REQUIRE(f.kiosk->screen() == screen);
    f.kiosk->settle();
}

void closeKeyboard(test::HeadlessKiosk& k) {
    if (k.has("kb.done"))
        REQUIRE(k.tap("kb.done"));
    else if (k.has("kb.pad.ok"))
        REQUIRE(k.tap("kb.pad.ok"));
}

void typeInto(test::HeadlessKiosk& k, const char* key, const std::string& text) {
    REQUIRE_MESSAGE(k.tap(key), key);
    k.type(text);
}

std::string staffId(test::KioskFixture& f, const char* login) {
    auto stmt = f.setup.store->db().prepare("SELECT id FROM staff WHERE login = ?");
    REQUIRE(stmt.has_value());
    stmt->bind(1, login);
    REQUIRE(*stmt->step());
    std::string id = stmt->text(0);
    stmt->reset();
    return id;
}

std::int64_t scalar(test::KioskFixture& f, const std::string& sql) {
    auto v = f.setup.store->db().scalarInt(sql);
    REQUIRE_MESSAGE(v.has_value(), (v ? "" : v.error().message));
    return *v;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) out.push_back(line);
    }
    return out;
}

}  // namespace

TEST_CASE("supervisor: a supervisor reaches every tool, each touch-sized with unique ids and every word translated") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    f.signIn(test::kSupervisorLogin, test::kSupervisorPin);
    openSupervisor(f);
    for (const char* key : {"super.sync", "super.conflicts", "super.report", "super.staff", "super.enroll"})
        CHECK_MESSAGE(k.has(key), key);
    CHECK(k.drewText(tr(k, "super.no_conflicts")));
    checkScreen(k, "supervisor home");
    const std::pair<const char*, ScreenId> tools[] = {{"super.sync", ScreenId::SyncPanel},
                                                      {"super.conflicts", ScreenId::Conflicts},
                                                      {"super.report", ScreenId::Report},
                                                      {"super.staff", ScreenId::StaffAccounts},
                                                      {"super.enroll", ScreenId::Enrollment}};
    for (const char* lang : {"es", "en", "pt", "ht"}) {
        k.app().i18n().setLanguage(lang);
        for (const auto& [key, screen] : tools) {
            REQUIRE(k.tap(key));
            REQUIRE(k.screen() == screen);
            k.settle();
            CHECK_FALSE(k.has("super.refused.back"));
            checkScreen(k, key);
            REQUIRE(k.tap("nav.back"));
            REQUIRE(k.screen() == ScreenId::SupervisorHome);
        }
    }
    // Without a sync worker the panel says so plainly.
    k.app().i18n().setLanguage("es");
    REQUIRE(k.tap("super.sync"));
    CHECK(k.drewText(tr(k, "sync.not_running")));
    CHECK_FALSE(k.has("sync.now"));
}

TEST_CASE("supervisor: every tool stays touch-sized at the largest text size") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    f.signIn(test::kSupervisorLogin, test::kSupervisorPin);
    k.app().router().requestHome();  // the welcome screen, keeping the session
    k.frame();
    k.settle();
    REQUIRE(k.tap("welcome.size.2"));
    k.frame();
    REQUIRE(k.app().textScale() == doctest::Approx(1.5f));
    // (The staff home's own layout at 150% is tested with it; go straight to the tools.)
    k.app().router().requestGo(ScreenId::SupervisorHome);
    k.frame();
    k.settle();
    REQUIRE(k.screen() == ScreenId::SupervisorHome);
    checkScreen(k, "supervisor home at 150%");
    for (const char* key : {"super.sync", "super.conflicts", "super.report", "super.staff", "super.enroll"}) {
        REQUIRE(k.tap(key));
        k.settle();
        checkScreen(k, key);
        REQUIRE(k.tap("nav.back"));
    }
    REQUIRE(k.tap("super.staff"));
    REQUIRE(k.tap("staffadmin.add"));
    checkScreen(k, "staff form at 150%");
}

TEST_CASE("supervisor: a staff member has no way in and is refused politely on every tool") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    f.signIn(test::kStaffLogin, test::kStaffPin);
    REQUIRE(k.screen() == ScreenId::StaffHome);
    CHECK_FALSE(k.has("home.supervisor"));
    for (ScreenId screen : {ScreenId::SupervisorHome, ScreenId::SyncPanel, ScreenId::Conflicts, ScreenId::Report,
                            ScreenId::StaffAccounts, ScreenId::Enrollment}) {
        k.app().router().requestGo(screen);
        k.frame();
        k.settle();
        REQUIRE(k.screen() == screen);
        CHECK(k.drewText(tr(k, "super.refused.title")));
        for (const char* key :
             {"super.sync", "super.conflicts", "staffadmin.add", "report.prev", "enroll.submit", "sync.now"})
            CHECK_FALSE(k.has(key));
        checkScreen(k, kiosk::screenName(screen));
        REQUIRE(k.tap("super.refused.back"));
        CHECK(k.screen() == ScreenId::StaffHome);
    }
}

TEST_CASE("conflicts: both values with who and when; kept either way through taps, checked in the store") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    f.setup.reopen();
    auto person = storage::PersonRepository(*f.setup.store).add(test::samplePerson());
    REQUIRE(person.has_value());
    const std::string luis = staffId(f, test::kStaffLogin);
    test::ConflictSeed names;
    names.recordId = person->id;
    names.kept = "María José";
    names.lost = "Marijose";
    names.keptAtMs = test::kTestNowMs - 3'600'000;
    names.lostAtMs = test::kTestNowMs - 7'200'000;
    names.lostAuthor = luis;
    const std::string nameConflict = test::seedConflict(*f.setup.store, names);
    test::ConflictSeed phone = names;
    phone.field = "phone";
    phone.kept = "+51 987 654 321";
    phone.lost = "+51 900 000 111";
    const std::string phoneConflict = test::seedConflict(*f.setup.store, phone);
    REQUIRE(!nameConflict.empty());
    REQUIRE(!phoneConflict.empty());
    f.setup.store.reset();

    f.signIn(test::kSupervisorLogin, test::kSupervisorPin);
    openSupervisor(f);
    CHECK(k.drewText(kiosk::fill(tr(k, "super.conflicts_open"), {"2"})));
    REQUIRE(k.tap("super.conflicts"));
    k.settle();
    REQUIRE(k.screen() == ScreenId::Conflicts);
    checkScreen(k, "conflicts");
    CHECK(k.drewText(person->caseCode));
    CHECK(k.drewText("María José Pérez Gómez"));
    CHECK(k.drewText("Marijose"));
    CHECK(k.drewText("+51 900 000 111"));
    CHECK(k.drewText("Luis Staff (luis.staff)"));
    CHECK(k.drewText(tr(k, "conflict.other_kiosk")));
    CHECK(k.drewText(kiosk::fill(tr(k, "conflict.field_is"), {tr(k, "conflict.field.given_names")})));
    const std::string keepOther = "conflict." + nameConflict + ".keep_other";
    const std::string keepCurrent = "conflict." + phoneConflict + ".keep_current";
    for (const auto& key : {keepOther, keepCurrent, "conflict." + nameConflict + ".keep_current"})
        CHECK_MESSAGE(k.has(key), key);

    // A change of mind writes nothing.
    REQUIRE(k.tap(keepOther));
    CHECK(k.has("conflict.confirm.yes"));
    checkScreen(k, "conflict confirmation");
    REQUIRE(k.tap("conflict.confirm.no"));
    CHECK(k.has(keepOther));

    // The other value: written into the person and the conflict closed.
    REQUIRE(k.tap(keepOther));
    CHECK(k.drewText("Marijose"));
    REQUIRE(k.tap("conflict.confirm.yes"));
    k.settle();
    CHECK(k.drewText(tr(k, "conflict.done")));
    CHECK_FALSE(k.has(keepOther));
    REQUIRE(k.has(keepCurrent));

    // The current value: only the conflict is closed.
    REQUIRE(k.tap(keepCurrent));
    REQUIRE(k.tap("conflict.confirm.yes"));
    k.settle();
    CHECK(k.drewText(tr(k, "conflict.empty")));
    checkScreen(k, "conflicts empty");

    f.setup.reopen();
    auto stored = storage::PersonRepository(*f.setup.store).get(person->id);
    REQUIRE(stored.has_value());
    CHECK(stored->givenNames == "Marijose");
    CHECK(stored->phone == "+51 987 654 321");
    CHECK(scalar(f, "SELECT count(*) FROM conflicts WHERE resolved = 1") == 2);
    CHECK(scalar(f, "SELECT count(*) FROM audit WHERE action = 'resolve_conflict'") == 2);
    // The decisions go up with the next sync: the name change and both conflict records.
    CHECK(scalar(f, "SELECT count(*) FROM changes WHERE entity = 'conflict' AND fields LIKE '%resolved%1%'") >= 2);
    CHECK(scalar(f, "SELECT count(*) FROM changes WHERE entity = 'person' AND fields LIKE '%Marijose%'") == 1);
}

TEST_CASE("report: the month's assistance by sector on screen, other months by the arrows, and a CSV export") {
    test::TempDir exportDir;
    kiosk::KioskConfig config;
    config.exportDir = exportDir.path() / "reports";
    test::KioskFixture f(config);
    auto& k = *f.kiosk;
    f.setup.reopen();
    {
        storage::PersonalStore& store = *f.setup.store;
        storage::PersonRepository persons(store);
        storage::CaseRepository cases(store);
        storage::Person boy = test::samplePerson();
        boy.givenNames = "Diego";
        boy.sex = "male";
        boy.birthDate = "2012-01-10";
        boy.docNumber = "V-30.111.222";
        std::string caseIds[2];
        int i = 0;
        for (const storage::Person& p : {test::samplePerson(), boy}) {
            auto added = persons.add(p);
            REQUIRE(added.has_value());
            caseIds[i++] = test::openCaseFor(store, added->id, "2025-05-01");
        }
        const auto assist = [&](const std::string& caseId, const char* date, const char* sector, const char* type) {
            storage::Assistance a;
            a.caseId = caseId;
            a.date = date;
            a.sector = sector;
            a.type = type;
            a.unit = "kit";
            a.officeId = store.session().officeId;
            a.staffId = store.session().staffId;
            REQUIRE(cases.recordAssistance(a).has_value());
        };
        assist(caseIds[0], "2025-06-02", "health", "primary_care");
        assist(caseIds[0], "2025-06-09", "health", "medicines");
        assist(caseIds[1], "2025-06-03", "food_security", "food_kit");
        assist(caseIds[0], "2025-05-20", "health", "primary_care");
    }
    f.setup.store.reset();

    f.signIn(test::kSupervisorLogin, test::kSupervisorPin);
    openTool(f, "super.report", ScreenId::Report);
    checkScreen(k, "report");
    CHECK(k.drewText("junio de 2025"));
    CHECK(k.drewText(kiosk::fill(tr(k, "report.totals"), {"3", "2"})));
    CHECK(k.drewText(tr(k, "vocab.sectors.health")));
    CHECK(k.drewText(tr(k, "vocab.sectors.food_security")));
    // Age groups and districts as words in the reader's language, not codes.
    CHECK(k.drewText("12 a 17 años"));
    CHECK(k.drewText("18 a 59 años"));
    CHECK(k.drewText("Tumbes"));
    CHECK_FALSE(k.drewText("240101"));
    // The current month is the last one offered.
    REQUIRE(k.tap("report.next"));
    k.settle();
    CHECK(k.drewText("junio de 2025"));

    REQUIRE(k.tap("report.prev"));
    k.settle();
    CHECK(k.drewText("mayo de 2025"));
    CHECK(k.drewText(kiosk::fill(tr(k, "report.totals"), {"1", "1"})));
    REQUIRE(k.tap("report.next"));
    k.settle();
    CHECK(k.drewText("junio de 2025"));
    REQUIRE(k.drag("report.charts", -200.f));
    REQUIRE(k.drag("report.charts", 400.f));

    REQUIRE(k.has("report.export.0"));
    REQUIRE(k.tap("report.export.0"));
    k.settle();
    const auto file = config.exportDir / "chasqui-5w-TUM-2025-06.csv";
    CHECK(k.drewText(file.string()));
    REQUIRE(std::filesystem::exists(file));
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    const auto csv = lines(test::readBytes(file));
    REQUIRE(csv.size() == 3);
    CHECK(csv[0] ==
          "month,office,district,sector,sex,age_group,nationality,population_type,assistance_count,people_reached");
    CHECK(csv[1].rfind("2025-06,TUM,", 0) == 0);
    CHECK(csv[1].find(",food_security,male,12-17,VEN,in_destination,1,1") != std::string::npos);
    CHECK(csv[2].find(",health,female,18-59,VEN,in_destination,2,1") != std::string::npos);
    checkScreen(k, "report after export");

    // Building the report is an export of case data: on the audit trail.
    REQUIRE(k.tap("nav.sign_out"));
    k.settle();
    f.setup.reopen();
    CHECK(scalar(f, "SELECT count(*) FROM audit WHERE action = 'export' AND record_id = '2025-06'") >= 2);
}

TEST_CASE("staff accounts: a member added on the screen signs in; a new PIN works; a disabled one cannot sign in") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    f.signIn(test::kSupervisorLogin, test::kSupervisorPin);
    openTool(f, "super.staff", ScreenId::StaffAccounts);
    checkScreen(k, "staff list");
    CHECK(k.drewText("Luis Staff"));
    CHECK(k.drewText("Rosa Supervisora"));
    CHECK(k.has("staffadmin.luis.staff.reset"));
    CHECK(k.has("staffadmin.luis.staff.disable"));
    // A supervisor manages staff accounts, not their own nor an administrator's.
    CHECK_FALSE(k.has("staffadmin.rosa.super.disable"));
    CHECK_FALSE(k.has("staffadmin.ana.admin.reset"));

    REQUIRE(k.tap("staffadmin.add"));
    checkScreen(k, "staff add form");
    CHECK(k.has("staffadmin.role.staff"));
    CHECK_FALSE(k.has("staffadmin.role.admin"));
    typeInto(k, "staffadmin.name", "Marta Flores");
    typeInto(k, "staffadmin.login", "marta.flores");
    typeInto(k, "staffadmin.pin", "258147");
    typeInto(k, "staffadmin.pin2", "258148");
    closeKeyboard(k);
    REQUIRE(k.tap("staffadmin.save"));
    k.settle();
    CHECK(k.drewText(tr(k, "staffadmin.error.pin_mismatch")));
    for (const auto& text : k.probe().texts()) CHECK(text.find("258147") == std::string::npos);
    typeInto(k, "staffadmin.pin", "258147");
    typeInto(k, "staffadmin.pin2", "258147");
    closeKeyboard(k);
    REQUIRE(k.tap("staffadmin.save"));
    k.settle();
    CHECK(k.drewText(kiosk::fill(tr(k, "staffadmin.added"), {"Marta Flores"})));
    CHECK(k.has("staffadmin.marta.flores.reset"));

    // A taken login is said next to its field.
    REQUIRE(k.tap("staffadmin.add"));
    typeInto(k, "staffadmin.name", "Otra Marta");
    typeInto(k, "staffadmin.login", "marta.flores");
    typeInto(k, "staffadmin.pin", "258147");
    typeInto(k, "staffadmin.pin2", "258147");
    closeKeyboard(k);
    REQUIRE(k.tap("staffadmin.save"));
    k.settle();
    CHECK(k.drewText(tr(k, "staffadmin.error.login_taken")));
    REQUIRE(k.tap("staffadmin.cancel"));

    // A new PIN for Luis.
    REQUIRE(k.tap("staffadmin.luis.staff.reset"));
    checkScreen(k, "staff reset form");
    typeInto(k, "staffadmin.pin", "864213");
    typeInto(k, "staffadmin.pin2", "864213");
    closeKeyboard(k);
    REQUIRE(k.tap("staffadmin.save"));
    k.settle();
    CHECK(k.drewText(kiosk::fill(tr(k, "staffadmin.reset_done"), {"Luis Staff"})));

    // Marta signs in with her PIN.
    REQUIRE(k.tap("nav.sign_out"));
    k.settle();
    f.signIn("marta.flores", "258147");
    REQUIRE(k.screen() == ScreenId::StaffHome);
    CHECK(k.app().session().name == "Marta Flores");
    CHECK(k.app().session().role == "staff");
    REQUIRE(k.tap("nav.sign_out"));
    k.settle();
    f.signIn(test::kStaffLogin, "864213");
    REQUIRE(k.screen() == ScreenId::StaffHome);
    REQUIRE(k.tap("nav.sign_out"));
    k.settle();

    // Disabling Luis, after a confirmation.
    f.signIn(test::kSupervisorLogin, test::kSupervisorPin);
    openTool(f, "super.staff", ScreenId::StaffAccounts);
    REQUIRE(k.tap("staffadmin.luis.staff.disable"));
    checkScreen(k, "staff disable confirmation");
    CHECK(k.drewText(kiosk::fill(tr(k, "staffadmin.disable.title"), {"Luis Staff"})));
    REQUIRE(k.tap("staffadmin.disable.no"));
    CHECK(k.has("staffadmin.luis.staff.disable"));
    REQUIRE(k.tap("staffadmin.luis.staff.disable"));
    REQUIRE(k.tap("staffadmin.disable.yes"));
    k.settle();
    CHECK(k.drewText(kiosk::fill(tr(k, "staffadmin.disabled_done"), {"Luis Staff"})));
    CHECK(k.drewText(tr(k, "staffadmin.state.disabled")));
    CHECK_FALSE(k.has("staffadmin.luis.staff.disable"));
    REQUIRE(k.tap("nav.sign_out"));
    k.settle();
    f.signIn(test::kStaffLogin, "864213");
    CHECK(k.screen() == ScreenId::SignIn);
    CHECK_FALSE(k.app().session().signedIn);
}

TEST_CASE("enrollment: a one-time code enrolls the kiosk with a real server; a used code is explained; sync now") {
    test::TempDir tmp;
    const auto serverData = tmp.path() / "server";
    test::ServerProcess server(serverData);
    const auto code = test::runServer({"enroll-code", "--data", serverData.string(), "--office", "TUM"});
    REQUIRE_MESSAGE(code.exitCode == 0, code.err);
    const std::string oneTime = test::trimmed(code.out);
    kiosk::KioskConfig config;
    config.serverUrl = fmt::format("http://127.0.0.1:{}", server.port());
    test::KioskFixture f(config);
    auto& k = *f.kiosk;

    f.signIn(test::kSupervisorLogin, test::kSupervisorPin);
    openTool(f, "super.enroll", ScreenId::Enrollment);
    checkScreen(k, "enrollment");
    CHECK(k.drewText(tr(k, "enroll.status.not_enrolled")));
    CHECK(k.drewText(config.serverUrl));  // prefilled
    REQUIRE(k.tap("enroll.submit"));
    CHECK(k.drewText(tr(k, "enroll.error.no_code")));
    typeInto(k, "enroll.code", oneTime);
    closeKeyboard(k);
    REQUIRE(k.tap("enroll.submit"));
    k.settle();
    CHECK(k.drewText(kiosk::fill(tr(k, "enroll.done"), {"1", "TUM"})));
    CHECK(k.drewText(kiosk::fill(tr(k, "enroll.status.enrolled"), {"1", "TUM", config.serverUrl})));
    auto link = sync::loadDeviceLink(storage::DataDir(f.setup.dataDir.root));
    REQUIRE(link.has_value());
    CHECK(link->deviceNumber == 1);
    CHECK(link->office == "TUM");
    checkScreen(k, "enrolled");

    // The same code again: used up, said in plain words.
    typeInto(k, "enroll.code", oneTime);
    closeKeyboard(k);
    REQUIRE(k.tap("enroll.submit"));
    k.settle();
    CHECK(k.drewText(tr(k, "enroll.error.code_invalid")));
    for (const auto& text : k.probe().texts()) CHECK(text.find("enroll_code_invalid") == std::string::npos);

    // Sync now through a real sync worker: the outbox is sealed and sent.
    k.app().setSyncWorker(std::make_unique<sync::SyncWorker>(storage::DataDir(f.setup.dataDir.root),
                                                             sync::httpConnectionFactory(), f.setup.clock));
    REQUIRE(k.tap("nav.back"));
    REQUIRE(k.tap("super.sync"));
    k.settle();
    REQUIRE(k.has("sync.now"));
    checkScreen(k, "sync panel");
    const auto waitFor = [&](const std::function<bool(const sync::SyncStatus&)>& done) {
        for (int i = 0; i < 600; ++i) {
            if (done(k.app().syncWorker()->status())) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            k.frame();
        }
        return false;
    };
    // The worker runs at once: nothing is sealed yet, so nothing goes up.
    REQUIRE(waitFor([](const sync::SyncStatus& s) { return s.lastSuccessMs > 0 && s.state == sync::SyncState::Idle; }));
    REQUIRE(k.tap("sync.now"));
    k.settle();
    REQUIRE(waitFor([](const sync::SyncStatus& s) { return s.pushed > 0 && s.state == sync::SyncState::Idle; }));
    k.frame();
    CHECK(k.drewText(tr(k, "sync.connectivity.online")));
    CHECK(k.drewText(kiosk::fill(tr(k, "sync.pending_up"), {"0"})));
    CHECK(k.app().syncWorker()->status().pushed > 0);
    checkScreen(k, "sync panel after sync");
    // What came down merges now, not only at the next sign-in.
    REQUIRE(k.app().syncWorker()->status().pendingDownPages > 0);
    REQUIRE(k.tap("sync.merge_now"));
    k.settle();
    CHECK(k.drewText(kiosk::fill(tr(k, "sync.merged"), {"0"})));  // its own changes, already here
    REQUIRE(waitFor([](const sync::SyncStatus& s) { return s.pendingDownPages == 0; }));
    k.frame();
    CHECK_FALSE(k.has("sync.merge_now"));
    CHECK(k.drewText(kiosk::fill(tr(k, "sync.pending_down"), {"0"})));
}

TEST_CASE("enrollment: no server at the address is said in plain words, and nothing is saved") {
    test::TempDir tmp;
    // A port that was just free: nothing listens there.
    int port = 0;
    {
        test::ServerProcess probe(tmp.path() / "gone");
        port = probe.port();
        probe.stop();
    }
    kiosk::KioskConfig config;
    config.serverUrl = fmt::format("http://127.0.0.1:{}", port);
    test::KioskFixture f(config);
    auto& k = *f.kiosk;
    f.signIn(test::kSupervisorLogin, test::kSupervisorPin);
    openTool(f, "super.enroll", ScreenId::Enrollment);
    typeInto(k, "enroll.code", "ABCDE-12345");
    closeKeyboard(k);
    REQUIRE(k.tap("enroll.submit"));
    k.settle();
    CHECK(k.drewText(tr(k, "sync.error.offline")));
    CHECK(k.drewText(tr(k, "enroll.status.not_enrolled")));
    CHECK_FALSE(sync::loadDeviceLink(storage::DataDir(f.setup.dataDir.root)).has_value());
    checkScreen(k, "enrollment offline");
}
