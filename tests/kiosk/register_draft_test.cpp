// Nothing typed is lost: a registration half done is the staff member's
// draft in the store. It survives the top bar's back button, another screen
// and the inactivity lock; it is offered back at their next sign-in and to no
// one else, dropped after a day, removed when saved or discarded.
#include <doctest/doctest.h>

#include "storage/records/draft_repository.hpp"
#include "tests/kiosk/support/staff_seed.hpp"

using namespace chasqui;
using kiosk::ScreenId;

namespace {

void startRosa(test::HeadlessKiosk& k) {
    REQUIRE(k.tap("home.register"));
    k.settle();
    REQUIRE(k.tap("register.consent.given"));
    REQUIRE(k.tap("register.given_names"));
    k.type("rosa elena");
    REQUIRE(k.tap("kb.done"));
    REQUIRE(k.tap("register.family_name_1"));
    k.type("castillo");
    REQUIRE(k.tap("kb.done"));
    k.settle();
    REQUIRE(k.drewText("Rosa Elena"));
}

std::int64_t draftRows(test::KioskFixture& f) {
    auto store = storage::PersonalStore::signIn(f.setup.dataDir, test::kStaffLogin, test::kStaffPin, f.setup.clock);
    REQUIRE(store.has_value());
    auto n = (*store)->db().scalarInt("SELECT COUNT(*) FROM drafts");
    REQUIRE(n.has_value());
    return *n;
}

// Drags the wizard's form until `key` is fully in view above the footer, then taps it.
void tapInForm(test::HeadlessKiosk& k, const std::string& key) {
    if (k.has("kb.done")) REQUIRE(k.tap("kb.done"));
    if (k.has("kb.pad.ok")) REQUIRE(k.tap("kb.pad.ok"));
    for (int attempt = 0; attempt < 12; ++attempt) {
        auto item = k.probe().find(key);
        REQUIRE_MESSAGE(item.has_value(), key);
        const auto footer = k.probe().find("register.next");
        const float bottom = footer ? footer->min.y : 1080.f;
        if (item->visible && item->min.y >= 200.f && item->max.y <= bottom) {
            REQUIRE(k.tap(key));
            return;
        }
        std::string anchor;  // any form item in view takes the finger
        for (const auto& other : k.probe().items())
            if (other.key.rfind("register.", 0) == 0 && other.key != "register.next" &&
                other.key != "register.discard" && other.visible && other.min.y >= 200.f && other.max.y <= bottom &&
                other.height() < 200.f)
                anchor = other.key;
        REQUIRE_MESSAGE(!anchor.empty(), "nothing to drag to reach " << key);
        REQUIRE(k.drag(anchor, item->min.y >= 200.f ? -250.f : 250.f));
        for (int frame = 0; frame < 120; ++frame) k.frame();
    }
    FAIL("could not reach " << key);
}

void signOut(test::KioskFixture& f) {
    REQUIRE(f.kiosk->tap("nav.sign_out"));
    f.kiosk->settle();
}

}  // namespace

TEST_CASE("draft: survives the lock and is offered at the same staff member's next sign-in") {
    test::KioskFixture f;
    f.signIn(test::kStaffLogin, test::kStaffPin);
    auto& k = *f.kiosk;
    startRosa(k);
    f.expireSession();
    k.settle();
    REQUIRE(k.screen() == ScreenId::Welcome);
    CHECK(f.screenHoldingPersonalData() == "none");
    CHECK_FALSE(k.app().personalDataInMemory());

    f.signIn(test::kStaffLogin, test::kStaffPin);
    k.settle();
    REQUIRE(k.has("home.draft.continue"));
    CHECK(k.drewText("(R…)"));  // the first letter, no more
    CHECK_FALSE(k.drewText("Rosa"));
    REQUIRE(k.tap("home.draft.continue"));
    k.settle();
    REQUIRE(k.screen() == ScreenId::Register);
    CHECK(k.drewText("Rosa Elena"));
    CHECK(k.drewText("Castillo"));
    CHECK(k.drewText("Se recuperó lo que había escrito."));
    const auto consent = k.probe().find("register.consent_date");
    CHECK(consent.has_value());  // consent "given" came back too: its date field is shown
}

TEST_CASE("draft: not offered to another staff member") {
    test::KioskFixture f;
    f.signIn(test::kStaffLogin, test::kStaffPin);
    auto& k = *f.kiosk;
    startRosa(k);
    signOut(f);

    f.signIn(test::kSupervisorLogin, test::kSupervisorPin);
    k.settle();
    CHECK_FALSE(k.has("home.draft.continue"));
    REQUIRE(k.tap("home.register"));
    k.settle();
    CHECK_FALSE(k.drewText("Rosa Elena"));
    signOut(f);

    // Still there for the one who typed it.
    f.signIn(test::kStaffLogin, test::kStaffPin);
    k.settle();
    CHECK(k.has("home.draft.continue"));
}

TEST_CASE("draft: dropped after a day") {
    test::KioskFixture f;
    f.signIn(test::kStaffLogin, test::kStaffPin);
    auto& k = *f.kiosk;
    startRosa(k);
    signOut(f);
    f.setup.clock.advance(23LL * 60 * 60 * 1000);
    f.signIn(test::kStaffLogin, test::kStaffPin);
    k.settle();
    CHECK(k.has("home.draft.continue"));  // 23 hours: still offered
    signOut(f);
    f.setup.clock.advance(2LL * 60 * 60 * 1000);
    f.signIn(test::kStaffLogin, test::kStaffPin);
    k.settle();
    CHECK_FALSE(k.has("home.draft.continue"));
    signOut(f);
    CHECK(draftRows(f) == 0);  // deleted, not only hidden
}

TEST_CASE("draft: survives the top bar's back button and another screen; discarding removes it") {
    test::KioskFixture f;
    f.signIn(test::kStaffLogin, test::kStaffPin);
    auto& k = *f.kiosk;
    startRosa(k);
    // Leaving with something typed asks first: staying changes nothing.
    REQUIRE(k.tap("nav.back"));
    REQUIRE(k.screen() == ScreenId::Register);
    REQUIRE(k.tap("register.leave.stay"));
    CHECK(k.drewText("Rosa Elena"));
    REQUIRE(k.tap("nav.back"));
    REQUIRE(k.tap("register.leave.keep"));
    k.settle();
    REQUIRE(k.screen() == ScreenId::StaffHome);
    CHECK(k.has("home.draft.continue"));
    REQUIRE(k.tap("home.register"));
    k.settle();
    CHECK(k.drewText("Rosa Elena"));

    REQUIRE(k.tap("register.discard"));
    k.settle();
    CHECK_FALSE(k.drewText("Rosa Elena"));
    REQUIRE(k.tap("nav.back"));
    k.settle();
    CHECK_FALSE(k.has("home.draft.continue"));
    signOut(f);
    CHECK(draftRows(f) == 0);
}

TEST_CASE("draft: removed when saved; back from the new case goes home, not to an empty wizard") {
    test::KioskFixture f;
    f.signIn(test::kStaffLogin, test::kStaffPin);
    auto& k = *f.kiosk;
    startRosa(k);
    REQUIRE(k.tap("register.sex.female"));
    REQUIRE(k.tap("register.birth_date"));
    k.type("03081995");
    REQUIRE(k.tap("kb.pad.ok"));
    REQUIRE(k.tap("register.nationality.VEN"));
    for (const char* key : {"register.doc_type.none", "register.population_type.in_destination",
                            "register.migration_status.in_regularization"})
        tapInForm(k, key);
    REQUIRE(k.tap("register.next"));
    REQUIRE(k.tap("register.household.alone"));
    REQUIRE(k.tap("register.save"));
    k.settle();
    REQUIRE(k.screen() == ScreenId::CaseView);
    REQUIRE(k.tap("nav.back"));
    k.settle();
    CHECK(k.screen() == ScreenId::StaffHome);
    CHECK_FALSE(k.has("home.draft.continue"));
    signOut(f);
    CHECK(draftRows(f) == 0);
}
