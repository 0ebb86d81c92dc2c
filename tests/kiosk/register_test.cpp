// Registration wizard: typed and tapped like a person would, saved in the
// real store (checked by opening the store after signing out), validation
// next to the fields, and the duplicate warning before saving.
#include <doctest/doctest.h>

#include <algorithm>

#include "storage/records/person_repository.hpp"
#include "storage/search/search_index.hpp"
#include "tests/kiosk/support/staff_seed.hpp"

using namespace chasqui;
using kiosk::ScreenId;

namespace {

constexpr float kTopOfForm = 200.f;  // below the top bar and the step header

// "Done" on the letter keyboard or on the number pad (dates, phone, numbers).
void closeKeyboard(test::HeadlessKiosk& k) {
    if (k.has("kb.done")) REQUIRE(k.tap("kb.done"));
    if (k.has("kb.pad.ok")) REQUIRE(k.tap("kb.pad.ok"));
}

float bottomOfForm(test::HeadlessKiosk& k) {
    for (const char* key : {"register.next", "register.save", "register.dup.different"})
        if (auto item = k.probe().find(key)) return item->min.y;
    return 1080.f;
}

// Drags the step's scroll area with a finger until `key` is fully in view.
void scrollTo(test::HeadlessKiosk& k, const std::string& key) {
    closeKeyboard(k);
    for (int attempt = 0; attempt < 12; ++attempt) {
        auto item = k.probe().find(key);
        REQUIRE_MESSAGE(item.has_value(), key << " is not on the screen");
        const float bottom = bottomOfForm(k);
        if (item->visible && item->min.y >= kTopOfForm && item->max.y <= bottom) return;
        const bool below = item->min.y >= kTopOfForm;
        // Any form item fully in view serves as the place to put the finger.
        std::string anchor;
        for (const auto& other : k.probe().items())
            if (other.key.rfind("register.", 0) == 0 && other.key != "register.next" && other.key != "register.back" &&
                other.key != "register.save" && other.visible && other.min.y >= kTopOfForm && other.max.y <= bottom &&
                other.height() < 200.f)
                anchor = other.key;
        REQUIRE_MESSAGE(!anchor.empty(), "nothing to drag to reach " << key);
        REQUIRE(k.drag(anchor, below ? -250.f : 250.f));
        for (int frame = 0; frame < 120; ++frame) k.frame();  // until the glide after the drag stops
    }
    FAIL("could not scroll to " << key);
}

void tapOn(test::HeadlessKiosk& k, const std::string& key) {
    const bool footer =
        key == "register.next" || key == "register.back" || key == "register.save" || key == "register.dup.different";
    if (footer)
        closeKeyboard(k);
    else
        scrollTo(k, key);
    REQUIRE_MESSAGE(k.tap(key), key);
}

void fill(test::HeadlessKiosk& k, const std::string& key, std::string_view text) {
    tapOn(k, key);
    k.type(text);
    closeKeyboard(k);
}

void checkScreenHealth(test::HeadlessKiosk& k) {
    CHECK(k.smallTargets().empty());
    CHECK(k.duplicateIds().empty());
    CHECK(k.app().i18n().missingKeys().empty());
}

// Fills steps (a) to (d) for a person, stopping on the review.
void fillWizard(test::HeadlessKiosk& k, const char* given, const char* family1, const char* family2, const char* birth,
                const char* nationality, const char* docType, const char* docNumber) {
    fill(k, "register.given_names", given);
    fill(k, "register.family_name_1", family1);
    fill(k, "register.family_name_2", family2);
    tapOn(k, "register.sex.female");
    fill(k, "register.birth_date", birth);
    tapOn(k, std::string("register.nationality.") + nationality);
    checkScreenHealth(k);
    tapOn(k, "register.next");
    REQUIRE(k.drewText("Paso 2 de 5"));

    tapOn(k, std::string("register.doc_type.") + docType);
    fill(k, "register.doc_number", docNumber);
    fill(k, "register.phone", "+57 300 123 4567");
    tapOn(k, "register.population_type.in_destination");
    tapOn(k, "register.migration_status.in_regularization");
    fill(k, "register.arrival_date", "10-01-2023");
    checkScreenHealth(k);
    tapOn(k, "register.next");
    REQUIRE(k.drewText("Paso 3 de 5"));

    tapOn(k, "register.household.new");
    fill(k, "register.district", "240101");
    checkScreenHealth(k);
    tapOn(k, "register.next");
    REQUIRE(k.drewText("Paso 4 de 5"));

    tapOn(k, "register.needs.health");
    tapOn(k, "register.needs.shelter");
    tapOn(k, "register.vulnerabilities.pregnant_lactating");
    tapOn(k, "register.priority.high");
    tapOn(k, "register.consent.given");
    tapOn(k, "register.consent_scope.referral_sharing");
    checkScreenHealth(k);
    tapOn(k, "register.next");
    REQUIRE(k.drewText("Paso 5 de 5"));
    checkScreenHealth(k);
}

std::unique_ptr<storage::PersonalStore> openStore(test::KioskFixture& f) {
    auto store = storage::PersonalStore::signIn(f.setup.dataDir, test::kStaffLogin, test::kStaffPin, f.setup.clock);
    REQUIRE_MESSAGE(store.has_value(), (store ? "" : store.error().message));
    return std::move(*store);
}

std::int64_t personCount(storage::PersonalStore& store) {
    auto stmt = store.db().prepare("SELECT COUNT(*) FROM persons WHERE deleted = 0");
    REQUIRE(stmt.has_value());
    auto row = stmt->step();
    REQUIRE(row.has_value());
    REQUIRE(*row);
    const std::int64_t n = stmt->integer(0);
    stmt->reset();
    return n;
}

void signOut(test::KioskFixture& f) {
    REQUIRE(f.kiosk->tap("nav.sign_out"));
    f.kiosk->settle();
    REQUIRE_FALSE(f.kiosk->app().session().signedIn);
}

}  // namespace

TEST_CASE("register: the whole wizard by taps and typing saves person, household and case") {
    test::KioskFixture f;
    test::seedStaffPersons(f);
    f.signIn(test::kStaffLogin, test::kStaffPin);
    auto& k = *f.kiosk;
    REQUIRE(k.tap("home.register"));
    REQUIRE(k.screen() == ScreenId::Register);
    CHECK(k.drewText("Paso 1 de 5"));
    checkScreenHealth(k);

    fillWizard(k, "Rosa Elena", "Castillo", "Vargas", "03-08-1995", "COL", "passport", "AB123456");
    // The review shows what will be saved, in words.
    CHECK(k.drewText("Rosa Elena Castillo Vargas"));
    CHECK(k.drewText("03/08/1995"));
    CHECK(k.drewText("Colombia"));
    CHECK(k.drewText("Salud, Albergue"));
    tapOn(k, "register.save");
    k.settle();

    // Nobody like her: saved at once, and her new case is open.
    REQUIRE(k.screen() == ScreenId::CaseView);
    const auto selection = k.app().selection();
    CHECK_FALSE(selection.personId.empty());
    CHECK_FALSE(selection.caseId.empty());
    CHECK(selection.caseCode.rfind("TUM-", 0) == 0);
    CHECK(selection.personName == "Rosa Elena Castillo Vargas");
    signOut(f);

    auto store = openStore(f);
    CHECK(personCount(*store) == 3);
    storage::PersonRepository persons(*store);
    auto person = persons.get(selection.personId);
    REQUIRE(person.has_value());
    CHECK(person->givenNames == "Rosa Elena");
    CHECK(person->familyName1 == "Castillo");
    CHECK(person->familyName2 == "Vargas");
    CHECK(person->sex == "female");
    CHECK(person->birthDate == "1995-08-03");
    CHECK_FALSE(person->birthDateEstimated);
    CHECK(person->nationality == "COL");
    CHECK(person->docType == "passport");
    CHECK(person->docNumber == "AB123456");
    CHECK(person->phone == "+57 300 123 4567");
    CHECK(person->languages == std::vector<std::string>{"es"});
    CHECK(person->populationType == "in_destination");
    CHECK(person->migrationStatus == "in_regularization");
    CHECK(person->arrivalDate == "2023-01-10");
    CHECK(person->caseCode == selection.caseCode);
    CHECK(person->relationToHead == "head");
    auto household = persons.getHousehold(person->householdId);
    REQUIRE(household.has_value());
    CHECK(household->headPersonId == selection.personId);
    CHECK(household->district == "240101");
    auto cases = storage::CaseRepository(*store).casesOfPerson(selection.personId);
    REQUIRE(cases.has_value());
    REQUIRE(cases->size() == 1);
    const auto& c = cases->front();
    CHECK(c.meta.id == selection.caseId);
    CHECK(c.status == "open");
    CHECK(c.priority == "high");
    CHECK(c.needs == std::vector<std::string>{"health", "shelter"});
    CHECK(c.vulnerabilities == std::vector<std::string>{"pregnant_lactating"});
    CHECK(c.consent.given);
    CHECK(c.consent.date == "2025-06-15");
    // Set fields are stored sorted (storage/records/element_set.hpp).
    CHECK(c.consent.scope == std::vector<std::string>{"referral_sharing", "registration"});
    // Searchable at once.
    auto found = storage::searchPersons(store->db(), "castillo");
    REQUIRE(found.has_value());
    CHECK(found->size() == 1);
}

TEST_CASE("register: problems are shown next to their fields, the step stays and nothing is saved") {
    test::KioskFixture f;
    test::seedStaffPersons(f);
    f.signIn(test::kStaffLogin, test::kStaffPin);
    auto& k = *f.kiosk;
    REQUIRE(k.tap("home.register"));
    const bool backed = k.tap("kb.done");
    (void)backed;
    tapOn(k, "register.next");
    CHECK(k.drewText("Paso 1 de 5"));
    CHECK(k.drewText("Revise los campos marcados"));
    CHECK(k.drewText("Este dato es necesario."));
    CHECK(k.drewText("Elija una opción."));

    fill(k, "register.given_names", "Pedro");
    fill(k, "register.birth_date", "31-02-1990");
    tapOn(k, "register.sex.male");
    tapOn(k, "register.nationality.VEN");
    tapOn(k, "register.next");
    CHECK(k.drewText("Paso 1 de 5"));
    // Each message right under its own field: the family name's after its
    // label, the date's after the date.
    const auto& texts = k.probe().texts();
    const auto at = [&](std::string_view needle) {
        return std::find_if(texts.begin(), texts.end(),
                            [&](const std::string& t) { return t.find(needle) != std::string::npos; }) -
               texts.begin();
    };
    CHECK(at("Primer apellido") < at("Este dato es necesario."));
    CHECK(at("Este dato es necesario.") < at("Segundo apellido"));
    CHECK(at("31-02-1990") < at("Esa fecha no existe en el calendario."));
    CHECK_FALSE(k.drewText("Elija una opción."));  // sex and nationality were chosen
    checkScreenHealth(k);

    // Fixing a field clears its message.
    fill(k, "register.family_name_1", "Rojas");
    CHECK_FALSE(k.drewText("Este dato es necesario."));

    // The document's format is explained in words for its type.
    REQUIRE(k.tap("register.birth_date"));
    for (int i = 0; i < 10; ++i) REQUIRE(k.tap("kb.pad.back"));
    k.type("15-06-1990");
    closeKeyboard(k);
    tapOn(k, "register.next");
    REQUIRE(k.drewText("Paso 2 de 5"));
    tapOn(k, "register.doc_type.dni");
    fill(k, "register.doc_number", "1234");
    fill(k, "register.phone", "12");
    tapOn(k, "register.next");
    CHECK(k.drewText("Paso 2 de 5"));
    CHECK(k.drewText("El DNI tiene 8 números."));
    CHECK(k.drewText("El teléfono tiene de 7 a 15 números"));
    checkScreenHealth(k);

    // Leaving the wizard keeps nothing.
    REQUIRE(k.tap("nav.back"));
    CHECK(k.screen() == ScreenId::StaffHome);
    signOut(f);
    auto store = openStore(f);
    CHECK(personCount(*store) == 2);
}

TEST_CASE("register: a near-duplicate is shown before saving; 'same person' opens their case and saves nothing") {
    test::KioskFixture f;
    const auto seed = test::seedStaffPersons(f);
    f.signIn(test::kStaffLogin, test::kStaffPin);
    auto& k = *f.kiosk;
    REQUIRE(k.tap("home.register"));
    // María José Pérez Gómez, typed without accents and with the document a little differently.
    fillWizard(k, "Maria Jose", "Perez", "Gomez", "12-04-1990", "VEN", "cedula_ven", "V12345678");
    tapOn(k, "register.save");
    k.settle();
    CHECK(k.screen() == ScreenId::Register);
    CHECK(k.drewText("Esta persona podría estar registrada ya"));
    CHECK(k.has("register.dup.same." + seed.maria.id));
    CHECK(k.has("register.dup.different"));
    CHECK(k.drewText("María José Pérez Gómez"));
    CHECK(k.drewText("muy probablemente la misma persona"));
    CHECK(k.drewText(seed.maria.caseCode));
    CHECK(k.drewText("12/04/1990"));
    CHECK(k.drewText("Tiene el mismo número de documento."));
    checkScreenHealth(k);

    tapOn(k, "register.dup.same." + seed.maria.id);
    k.settle();
    REQUIRE(k.screen() == ScreenId::CaseView);
    CHECK(k.app().selection().personId == seed.maria.id);
    CHECK(k.app().selection().caseId == seed.maria.caseId);
    signOut(f);
    auto store = openStore(f);
    CHECK(personCount(*store) == 2);
}

TEST_CASE("register: 'a different person' saves despite the warning") {
    test::KioskFixture f;
    const auto seed = test::seedStaffPersons(f);
    f.signIn(test::kStaffLogin, test::kStaffPin);
    auto& k = *f.kiosk;
    REQUIRE(k.tap("home.register"));
    fillWizard(k, "María José", "Pérez", "Gómez", "12-04-1991", "VEN", "passport", "ZX998877");
    tapOn(k, "register.save");
    k.settle();
    REQUIRE(k.has("register.dup.same." + seed.maria.id));
    CHECK(k.drewText("posiblemente la misma persona"));
    tapOn(k, "register.dup.different");
    k.settle();
    REQUIRE(k.screen() == ScreenId::CaseView);
    CHECK(k.app().selection().personId != seed.maria.id);
    signOut(f);
    auto store = openStore(f);
    CHECK(personCount(*store) == 3);
}
