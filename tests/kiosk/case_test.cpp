// Case work at the desk: the case view and its sections, recording
// assistance, referring to a service and following the referral up, notes,
// opening a case, validation, and what is left after sign-out.
#include <doctest/doctest.h>

#include <string>

#include "kiosk/screens/assistance_screen.hpp"
#include "kiosk/screens/case_view_screen.hpp"
#include "kiosk/screens/referral_screen.hpp"
#include "storage/base/vocabulary.hpp"
#include "storage/records/case_repository.hpp"
#include "storage/records/person_repository.hpp"
#include "tests/kiosk/support/case_seed.hpp"

using namespace chasqui;
using kiosk::ScreenId;

namespace {

constexpr const char* kDot = "  \xc2\xb7  ";

// The id of the first referral that offers `status` as its next step.
std::string referralOffering(test::HeadlessKiosk& k, const std::string& status) {
    const std::string prefix = "case.referral.";
    const std::string suffix = "." + status;
    for (const auto& item : k.probe().items()) {
        const std::string& key = item.key;
        if (key.rfind(prefix, 0) == 0 && key.size() > prefix.size() + suffix.size() &&
            key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0)
            return key.substr(prefix.size(), key.size() - prefix.size() - suffix.size());
    }
    return {};
}

std::string firstService(test::HeadlessKiosk& k) {
    for (const auto& item : k.probe().items())
        if (item.key.rfind("referral.service.", 0) == 0) return item.key;
    return {};
}

storage::CaseFile storedFile(test::KioskFixture& f, const std::string& caseId) {
    f.setup.reopen();
    auto file = storage::CaseRepository(*f.setup.store).file(caseId);
    REQUIRE(file.has_value());
    storage::CaseFile out = *file;
    f.setup.store.reset();
    return out;
}

void signOut(test::HeadlessKiosk& k) {
    REQUIRE(k.tap("nav.sign_out"));
    k.settle();
    REQUIRE_FALSE(k.app().session().signedIn);
    // The app sends a staff screen left without a session to the sign-in; from there, home.
    if (k.screen() != ScreenId::Welcome) REQUIRE(k.tap("nav.home"));
    REQUIRE(k.screen() == ScreenId::Welcome);
}

// Fills the referral form for the first health service, consent as given.
void fillReferral(test::HeadlessKiosk& k, bool consent) {
    REQUIRE(k.tap("case.refer"));
    REQUIRE(k.screen() == ScreenId::Referral);
    REQUIRE(k.tap("referral.category.health"));
    const std::string service = firstService(k);
    REQUIRE_FALSE(service.empty());
    REQUIRE(k.tap(service));
    REQUIRE(k.tap("referral.reason"));
    k.type("Control prenatal");
    REQUIRE(k.tap("kb.done"));
    REQUIRE(k.tap("referral.urgency.high"));
    if (consent) REQUIRE(k.tap("referral.consent"));
}

}  // namespace

TEST_CASE("case view: profile, household, needs, assistance, referrals and notes as touch-sized sections") {
    test::KioskFixture f;
    const test::SeededCase s = test::startAtCase(f);
    auto& k = *f.kiosk;
    for (const char* key : {"case.tab.profile", "case.tab.household", "case.tab.needs", "case.tab.assistance",
                            "case.tab.referrals", "case.tab.notes", "case.assist", "case.refer"})
        CHECK_MESSAGE(k.has(key), key);
    CHECK(k.drewText(test::kMotherName));
    CHECK(k.drewText(s.caseCode));
    CHECK(k.drewText("Prioridad Alta"));
    // Profile: sex, birth date with age, nationality, document, phone, languages.
    CHECK(k.drewText("Mujer"));
    CHECK(k.drewText("12/04/1990  (35 años)"));
    CHECK(k.drewText("Venezuela"));
    CHECK(k.drewText("Cédula venezolana"));
    CHECK(k.drewText("+51 987 654 321"));
    CHECK(k.drewText("Español"));
    test::checkTouchAndKeys(k);

    REQUIRE(k.tap("case.tab.household"));
    CHECK(k.drewText(test::kChildName));
    CHECK(k.drewText("Hijo(a)"));
    CHECK(k.drewText("Tumbes"));
    CHECK(k.has("case.member." + s.childId));
    test::checkTouchAndKeys(k);

    REQUIRE(k.tap("case.tab.needs"));
    CHECK(k.drewText("Seguridad alimentaria"));
    CHECK(k.drewText("Salud"));
    CHECK(k.drewText("Gestante o lactante"));
    CHECK(k.drewText("01/06/2025"));
    CHECK(k.drewText("Compartir datos al derivar a un servicio"));
    test::checkTouchAndKeys(k);

    REQUIRE(k.tap("case.tab.assistance"));
    CHECK(k.drewText("Todavía no se registró asistencia"));
    REQUIRE(k.tap("case.tab.referrals"));
    CHECK(k.drewText("Todavía no hay derivaciones"));
    REQUIRE(k.tap("case.tab.notes"));
    CHECK(k.has("case.note.text"));
    CHECK(k.has("case.note.save"));
    test::checkTouchAndKeys(k);

    // A household member opens their own file (no case yet: offered to open one).
    REQUIRE(k.tap("case.tab.household"));
    REQUIRE(k.tap("case.member." + s.childId));
    CHECK(k.drewText(test::kChildName));
    CHECK(k.has("case.open"));
    CHECK(k.app().selection().personId == s.childId);
    test::checkTouchAndKeys(k);
}

TEST_CASE("case view: reached through the staff search") {
    test::KioskFixture f;
    const test::SeededCase s = test::seedMotherAndChild(f);
    auto& k = *f.kiosk;
    f.signIn(test::kStaffLogin, test::kStaffPin);
    REQUIRE(k.screen() == ScreenId::StaffHome);
    REQUIRE(k.tap("home.search"));
    k.type("Gómez");
    k.settle();
    REQUIRE(k.tap("home.result." + s.personId));
    k.settle();
    REQUIRE(k.screen() == ScreenId::CaseView);
    CHECK(k.drewText(test::kMotherName));
    CHECK(k.app().selection().caseId == s.caseId);
    CHECK(k.has("case.assist"));
}

TEST_CASE("assistance: recorded with taps and the pad, then in the history and in the store") {
    test::KioskFixture f;
    const test::SeededCase s = test::startAtCase(f);
    auto& k = *f.kiosk;
    REQUIRE(k.tap("case.assist"));
    REQUIRE(k.screen() == ScreenId::Assistance);
    CHECK(k.drewText(test::kMotherName));
    test::checkTouchAndKeys(k);
    REQUIRE(k.tap("assist.sector.food_security"));
    // Only the chosen sector's types are offered.
    CHECK(k.has("assist.type.food_kit"));
    CHECK_FALSE(k.has("assist.type.hygiene_kit"));
    REQUIRE(k.tap("assist.type.food_kit"));
    REQUIRE(k.tap("assist.quantity"));
    REQUIRE(k.has("kb.pad.3"));  // a numeric pad, not the letters
    REQUIRE(k.tap("kb.pad.back"));
    REQUIRE(k.tap("kb.pad.3"));
    REQUIRE(k.tap("kb.pad.ok"));
    CHECK(k.drewText("15/06/2025"));  // today by default
    test::checkTouchAndKeys(k);
    REQUIRE(k.tap("assist.save"));
    k.settle();
    REQUIRE(k.screen() == ScreenId::CaseView);
    CHECK(k.drewText("Asistencia registrada."));
    CHECK(k.drewText("Kit de alimentos"));
    CHECK(k.drewText("3 Kit"));
    CHECK(k.drewText("Luis Staff"));
    CHECK(k.drewText("15/06/2025"));
    test::checkTouchAndKeys(k);

    signOut(k);
    const auto file = storedFile(f, s.caseId);
    REQUIRE(file.assistance.size() == 1);
    CHECK(file.assistance[0].sector == "food_security");
    CHECK(file.assistance[0].type == "food_kit");
    CHECK(file.assistance[0].quantity == doctest::Approx(3.0));
    CHECK(file.assistance[0].unit == "kit");
    CHECK(file.assistance[0].date == "2025-06-15");
}

TEST_CASE("assistance: problems shown next to their fields and nothing written") {
    test::KioskFixture f;
    const test::SeededCase s = test::startAtCase(f);
    auto& k = *f.kiosk;
    REQUIRE(k.tap("case.assist"));
    REQUIRE(k.tap("assist.save"));
    CHECK(k.screen() == ScreenId::Assistance);
    CHECK(k.drewText("Elija el sector de la asistencia."));
    CHECK(k.drewText("Elija la unidad."));

    REQUIRE(k.tap("assist.sector.health"));
    CHECK_FALSE(k.drewText("Elija el sector de la asistencia."));
    REQUIRE(k.tap("assist.quantity"));
    REQUIRE(k.tap("kb.pad.back"));
    REQUIRE(k.tap("kb.pad.0"));
    REQUIRE(k.tap("kb.pad.ok"));
    REQUIRE(k.tap("assist.date"));
    for (int i = 0; i < 10; ++i) REQUIRE(k.tap("kb.pad.back"));
    k.type("01012031");  // shows 01/01/2031
    // The date pad stays open; the buttons stay in reach above it.
    REQUIRE(k.tap("assist.save"));
    CHECK(k.screen() == ScreenId::Assistance);
    CHECK(k.drewText("Elija qué se entregó."));
    CHECK(k.drewText("Escriba una cantidad entre 1 y 100 000."));
    CHECK(k.drewText("que no sea futura"));
    test::checkTouchAndKeys(k);

    REQUIRE(k.tap("assist.cancel"));
    REQUIRE(k.screen() == ScreenId::CaseView);
    signOut(k);
    CHECK(storedFile(f, s.caseId).assistance.empty());
}

TEST_CASE(
    "referral: chosen from the catalog with consent, then followed up to completed, each step dated and attributed") {
    test::KioskFixture f;
    const test::SeededCase s = test::startAtCase(f);
    auto& k = *f.kiosk;
    fillReferral(k, true);
    CHECK(k.drewText(test::kMotherName));
    test::checkTouchAndKeys(k);
    REQUIRE(k.tap("referral.save"));
    k.settle();
    REQUIRE(k.screen() == ScreenId::CaseView);
    CHECK(k.drewText("Derivación enviada"));
    CHECK(k.drewText("Enviada"));
    CHECK(k.drewText("Control prenatal"));
    CHECK(k.drewText("Urgencia: Alta"));
    CHECK(k.drewText(std::string("15/06/2025") + kDot + "Enviada" + kDot + "Luis Staff"));
    test::checkTouchAndKeys(k);

    const std::string id = referralOffering(k, "accepted");
    REQUIRE_FALSE(id.empty());
    // From "sent": accepted, rejected or cancelled; never straight to completed.
    CHECK(k.has("case.referral." + id + ".rejected"));
    CHECK(k.has("case.referral." + id + ".cancelled"));
    CHECK_FALSE(k.has("case.referral." + id + ".completed"));
    CHECK_FALSE(k.has("case.referral." + id + ".in_progress"));

    // Each step asks first; a comment is optional.
    REQUIRE(k.tap("case.referral." + id + ".accepted"));
    CHECK(k.has("case.referral.confirm"));
    REQUIRE(k.tap("case.referral.keep"));
    CHECK_FALSE(k.has("case.referral.confirm"));
    REQUIRE(k.tap("case.referral." + id + ".accepted"));
    REQUIRE(k.tap("case.referral.comment"));
    k.type("Cita el lunes");
    REQUIRE(k.tap("kb.done"));
    test::checkTouchAndKeys(k);
    REQUIRE(k.tap("case.referral.confirm"));
    k.settle();
    CHECK(k.drewText(std::string("15/06/2025") + kDot + "Aceptada" + kDot + "Luis Staff"));
    CHECK(k.drewText("Cita el lunes"));
    CHECK(k.drewText("Paso registrado."));

    for (const char* status : {"in_progress", "completed"}) {
        REQUIRE_MESSAGE(k.tap("case.referral." + id + "." + status), status);
        REQUIRE(k.tap("case.referral.confirm"));
        k.settle();
    }
    CHECK(k.drewText(std::string("15/06/2025") + kDot + "En curso" + kDot + "Luis Staff"));
    CHECK(k.drewText(std::string("15/06/2025") + kDot + "Completada" + kDot + "Luis Staff"));
    // Completed is the end: no step is offered any more.
    for (const char* status : {"accepted", "in_progress", "completed", "rejected", "cancelled"})
        CHECK_FALSE(k.has("case.referral." + id + "." + status));
    CHECK(k.drewText("ya no tiene más pasos"));
    test::checkTouchAndKeys(k);

    signOut(k);
    const auto file = storedFile(f, s.caseId);
    REQUIRE(file.referrals.size() == 1);
    CHECK(file.referrals[0].status == "completed");
    CHECK(file.referrals[0].urgency == "high");
    CHECK(file.referrals[0].consentToShare);
    CHECK(file.referrals[0].history.size() == 4);
}

TEST_CASE("referral: refused without the person's consent, with the reason said, and nothing written") {
    test::KioskFixture f;
    const test::SeededCase s = test::startAtCase(f);
    auto& k = *f.kiosk;
    REQUIRE(k.tap("case.refer"));
    REQUIRE(k.tap("referral.save"));
    CHECK(k.screen() == ScreenId::Referral);
    CHECK(k.drewText("Elija el servicio en la lista."));
    CHECK(k.drewText("Escriba el motivo"));
    CHECK(k.drewText("Sin el consentimiento de la persona no se puede derivar"));
    REQUIRE(k.tap("referral.cancel"));
    REQUIRE(k.screen() == ScreenId::CaseView);

    fillReferral(k, false);
    REQUIRE(k.tap("referral.save"));
    k.settle();
    CHECK(k.screen() == ScreenId::Referral);
    CHECK(k.drewText("Sin el consentimiento de la persona no se puede derivar"));
    CHECK_FALSE(k.drewText("Elija el servicio en la lista."));
    // Ticking it is explicit, and a second tap unticks it.
    REQUIRE(k.tap("referral.consent"));
    CHECK_FALSE(k.drewText("Sin el consentimiento de la persona no se puede derivar"));
    REQUIRE(k.tap("referral.consent"));
    REQUIRE(k.tap("referral.save"));
    CHECK(k.screen() == ScreenId::Referral);
    test::checkTouchAndKeys(k);
    signOut(k);
    CHECK(storedFile(f, s.caseId).referrals.empty());
}

TEST_CASE("notes: an empty note is refused next to the field; a written one shows at the top") {
    test::KioskFixture f;
    const test::SeededCase s = test::startAtCase(f);
    auto& k = *f.kiosk;
    REQUIRE(k.tap("case.tab.notes"));
    REQUIRE(k.tap("case.note.save"));
    CHECK(k.drewText("Escriba la nota antes de guardarla."));
    REQUIRE(k.tap("case.note.text"));
    k.type("Vuelve el martes con su hija.");
    REQUIRE(k.tap("kb.done"));
    REQUIRE(k.tap("case.note.save"));
    k.settle();
    CHECK(k.drewText("Nota guardada."));
    CHECK(k.drewText("Vuelve el martes con su hija."));
    CHECK(k.drewText(std::string("15/06/2025") + kDot + "Luis Staff"));
    CHECK_FALSE(k.drewText("Escriba la nota antes de guardarla."));
    test::checkTouchAndKeys(k);
    signOut(k);
    const auto file = storedFile(f, s.caseId);
    REQUIRE(file.notes.size() == 1);
    CHECK(file.notes[0].text == "Vuelve el martes con su hija.");
}

TEST_CASE("case view: a person without a case gets one opened with needs and consent") {
    test::KioskFixture f;
    const test::SeededCase s = test::startAtCase(f, false);
    auto& k = *f.kiosk;
    CHECK(k.drewText("todavía no tiene un caso abierto"));
    CHECK(k.drewText("Venezuela"));  // the profile, to be sure it is the right person
    CHECK_FALSE(k.has("case.tab.profile"));
    REQUIRE(k.tap("case.open"));
    REQUIRE(k.tap("case.form.save"));
    CHECK(k.drewText("Indique si la persona da su consentimiento o no."));
    REQUIRE(k.tap("case.form.needs.shelter"));
    REQUIRE(test::reveal(k, "case.form.consent.given", "case.form."));
    REQUIRE(k.tap("case.form.consent.given"));
    REQUIRE(k.tap("case.form.save"));
    CHECK(k.drewText("Elija al menos un uso"));
    REQUIRE(test::reveal(k, "case.form.scope.referral_sharing", "case.form."));
    REQUIRE(k.tap("case.form.scope.referral_sharing"));
    test::checkTouchAndKeys(k);
    REQUIRE(k.tap("case.form.save"));
    k.settle();
    CHECK(k.drewText("Caso abierto."));
    CHECK(k.has("case.tab.profile"));
    CHECK(k.drewText("Albergue"));
    CHECK_FALSE(k.app().selection().caseId.empty());
    test::checkTouchAndKeys(k);

    signOut(k);
    f.setup.reopen();
    auto cases = storage::CaseRepository(*f.setup.store).casesOfPerson(s.personId);
    REQUIRE(cases.has_value());
    REQUIRE(cases->size() == 1);
    CHECK((*cases)[0].needs == std::vector<std::string>{"shelter"});
    CHECK((*cases)[0].consent.given);
    CHECK((*cases)[0].consent.date == "2025-06-15");
}

TEST_CASE("case work after sign-out: nothing personal is drawn or kept, and the screens need a session") {
    test::KioskFixture f;
    const test::SeededCase s = test::startAtCase(f);
    auto& k = *f.kiosk;
    // Leave something typed on each screen.
    REQUIRE(k.tap("case.tab.notes"));
    REQUIRE(k.tap("case.note.text"));
    k.type("Nota a medias");
    REQUIRE(k.tap("kb.done"));
    REQUIRE(k.tap("case.assist"));
    REQUIRE(k.tap("assist.sector.health"));
    REQUIRE(k.tap("assist.cancel"));
    fillReferral(k, true);
    signOut(k);

    CHECK_FALSE(k.drewText(test::kMotherName));
    CHECK_FALSE(k.drewText(s.caseCode));
    CHECK_FALSE(k.app().personalDataInMemory());
    auto* caseView = dynamic_cast<kiosk::CaseViewScreen*>(k.app().router().find(ScreenId::CaseView));
    auto* assistance = dynamic_cast<kiosk::AssistanceScreen*>(k.app().router().find(ScreenId::Assistance));
    auto* referral = dynamic_cast<kiosk::ReferralScreen*>(k.app().router().find(ScreenId::Referral));
    REQUIRE(caseView != nullptr);
    REQUIRE(assistance != nullptr);
    REQUIRE(referral != nullptr);
    CHECK_FALSE(caseView->holdsPersonalData());
    CHECK_FALSE(assistance->holdsPersonalData());
    CHECK_FALSE(referral->holdsPersonalData());

    // Asking for the case view without a session lands on the sign-in, drawing nothing of the case.
    k.app().selection() = kiosk::StaffSelection{s.personId, s.caseId, s.caseCode, test::kMotherName};
    k.app().router().requestGo(ScreenId::CaseView);
    k.frame();
    k.settle();
    CHECK(k.screen() == ScreenId::SignIn);
    CHECK_FALSE(k.drewText("Venezuela"));
    CHECK_FALSE(k.drewText("Cédula venezolana"));
}

TEST_CASE("case work at the largest text size: every section and form stays touch-sized") {
    test::KioskFixture f;
    const test::SeededCase s = test::startAtCase(f);
    auto& k = *f.kiosk;
    k.app().router().requestHome();  // the welcome screen, keeping the session
    k.frame();
    k.settle();
    REQUIRE(k.screen() == ScreenId::Welcome);
    REQUIRE(k.tap("welcome.size.2"));
    k.frame();
    REQUIRE(k.app().textScale() == doctest::Approx(1.5f));
    test::openCaseView(f, s);
    for (const char* tab : {"case.tab.profile", "case.tab.household", "case.tab.needs", "case.tab.assistance",
                            "case.tab.referrals", "case.tab.notes"}) {
        REQUIRE_MESSAGE(k.tap(tab), tab);
        CHECK_MESSAGE(k.smallTargets().empty(), tab);
        CHECK_MESSAGE(k.duplicateIds().empty(), tab);
    }
    REQUIRE(k.tap("case.assist"));
    REQUIRE(k.tap("assist.sector.shelter"));
    test::checkTouchAndKeys(k);
    REQUIRE(k.tap("assist.cancel"));
    REQUIRE(k.tap("case.refer"));
    REQUIRE(k.tap("referral.category.food"));
    CHECK_FALSE(firstService(k).empty());
    test::checkTouchAndKeys(k);
}
