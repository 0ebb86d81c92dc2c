// The kiosk services the staff screens talk to (kiosk/services), against a
// real SQLCipher store opened through StaffSession the way the kiosk opens
// it: the case a person opens on, the case view's data, search, who may
// manage whom, and the sync panel's "waiting to go up" figure.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kiosk/services/accounts_service.hpp"
#include "kiosk/services/case_service.hpp"
#include "kiosk/services/catalog_service.hpp"
#include "kiosk/services/staff_search_service.hpp"
#include "kiosk/services/staff_session.hpp"
#include "kiosk/services/sync_panel_service.hpp"
#include "storage/base/trusted_clock.hpp"
#include "storage/base/vocabulary.hpp"
#include "storage/records/case_repository.hpp"
#include "storage/records/person_repository.hpp"
#include "sync/client/pending_changes.hpp"
#include "tests/support/test_store.hpp"

namespace chasqui::kiosk {
namespace {

// A person in a household with an older case of their own and a newer case
// of the household, both open; then the kiosk's own session on that store.
struct SignedInKiosk {
    test::TestStore setup;
    storage::SystemBootClock boot;
    storage::TrustedClock clock{setup.dataDir, setup.clock, boot};
    std::string personId;
    std::string ownCaseId;
    std::string householdCaseId;
    StaffSession staff{setup.dataDir, clock};
    CatalogService catalog{setup.dataDir};

    SignedInKiosk() {
        storage::PersonRepository persons(*setup);
        storage::CaseRepository cases(*setup);
        auto household = persons.addHousehold(storage::Household{});
        REQUIRE(household.has_value());
        storage::Person p = test::samplePerson();
        p.householdId = *household;
        p.relationToHead = "head";
        auto added = persons.add(p);
        REQUIRE(added.has_value());
        personId = added->id;
        storage::Case own;
        own.personId = personId;
        own.officeId = setup->session().officeId;
        own.openedDate = "2025-05-01";
        own.consent = {true, "2025-05-01", {"registration", "referral_sharing"}};
        auto ownId = cases.open(own);
        REQUIRE(ownId.has_value());
        ownCaseId = *ownId;
        storage::Case shared;
        shared.householdId = *household;
        shared.officeId = setup->session().officeId;
        shared.openedDate = "2025-06-01";
        auto sharedId = cases.open(shared);
        REQUIRE(sharedId.has_value());
        householdCaseId = *sharedId;
        setup.store.reset();  // the kiosk opens its own
        auto view = staff.signIn(test::kAdminLogin, test::kAdminPin);
        REQUIRE_MESSAGE(view.has_value(), (view ? std::string() : view.error().message));
    }
};

// Two food kits on 2025-06-10, with no case yet.
storage::Assistance foodKits() {
    storage::Assistance a;
    a.date = "2025-06-10";
    a.sector = "food_security";
    a.type = "food_kit";
    a.quantity = 2;
    a.unit = "kit";
    return a;
}

// An urgent referral to a health centre, consent given, with no case yet.
storage::Referral healthReferral() {
    storage::Referral r;
    r.serviceId = "minsa-tumbes-centro-salud";
    r.reason = "Needs a check-up for a chronic illness";
    r.urgency = "high";
    r.consentToShare = true;
    return r;
}

}  // namespace

TEST_CASE("case service: a person opens on their own open case, and the case view shows it") {
    SignedInKiosk k;
    CaseService cases(k.staff, k.catalog);
    auto current = cases.currentCase(k.personId);
    REQUIRE(current.has_value());
    CHECK(*current == k.ownCaseId);  // not the household's newer one

    auto view = cases.load(k.personId, "");
    REQUIRE(view.has_value());
    CHECK(view->hasCase);
    CHECK(view->file.record.meta.id == k.ownCaseId);
    CHECK(view->person.meta.id == k.personId);
    REQUIRE(view->household.size() == 1);

    // A case named by the screen is the one shown.
    auto named = cases.load(k.personId, k.householdCaseId);
    REQUIRE(named.has_value());
    CHECK(named->file.record.meta.id == k.householdCaseId);
}

TEST_CASE("case service: assistance is recorded for the signed-in office and staff member") {
    SignedInKiosk k;
    CaseService cases(k.staff, k.catalog);
    storage::Assistance a = foodKits();
    a.caseId = k.ownCaseId;
    auto id = cases.recordAssistance(a);
    REQUIRE_MESSAGE(id.has_value(), (id ? std::string() : id.error().message));
    auto view = cases.load(k.personId, k.ownCaseId);
    REQUIRE(view.has_value());
    REQUIRE(view->file.assistance.size() == 1);
    const storage::Session& session = k.staff.store()->session();
    CHECK(view->file.assistance.front().officeId == session.officeId);
    CHECK(view->file.assistance.front().staffId == session.staffId);
}

TEST_CASE("case service: a form's problems are the store's rules without the fields the service fills") {
    storage::Assistance a = foodKits();
    // No case, office or staff member: the screen never sets those.
    CHECK(CaseService::assistanceProblems(a, "2025-06-15").empty());
    a.quantity = 0;
    a.date = "2025-06-16";  // tomorrow
    CHECK(CaseService::assistanceProblems(a, "2025-06-15") == std::vector<std::string>{"date", "quantity"});
}

TEST_CASE("case service: a new referral needs consent ticked and a follow-up not in the past") {
    storage::Referral r = healthReferral();
    r.followUpDate = "2025-06-20";
    CHECK(CaseService::referralProblems(r, "2025-06-15").empty());
    r.consentToShare = false;
    r.followUpDate = "2025-06-14";  // yesterday: the store accepts it (synced referrals), a new one may not
    CHECK(CaseService::referralProblems(r, "2025-06-15") == std::vector<std::string>{"consent", "follow_up_date"});
    r.followUpDate = "2025-13-01";  // not a date: marked once
    CHECK(CaseService::referralProblems(r, "2025-06-15") == std::vector<std::string>{"follow_up_date", "consent"});
}

TEST_CASE("case service: the case view lists open referrals before closed ones") {
    SignedInKiosk k;
    CaseService cases(k.staff, k.catalog);
    storage::Referral r = healthReferral();
    r.caseId = k.ownCaseId;
    auto first = cases.refer(r);
    REQUIRE_MESSAGE(first.has_value(), (first ? std::string() : first.error().message));
    REQUIRE(cases.setReferralStatus(*first, "cancelled", "2025-06-12", "").has_value());
    REQUIRE(cases.refer(r).has_value());
    REQUIRE(cases.refer(r).has_value());

    auto view = cases.load(k.personId, k.ownCaseId);
    REQUIRE(view.has_value());
    const auto& referrals = view->file.referrals;
    const auto& order = view->referralOrder;
    REQUIRE(order.size() == 3);
    CHECK(storage::vocab::referralOpen(referrals[order[0]].status));
    CHECK(storage::vocab::referralOpen(referrals[order[1]].status));
    CHECK(referrals[order[2]].meta.id == *first);
    CHECK_FALSE(storage::vocab::referralOpen("completed"));
    CHECK_FALSE(storage::vocab::referralOpen("rejected"));
    CHECK(storage::vocab::referralOpen("in_progress"));
}

TEST_CASE("kiosk services answer PermissionDenied once nobody is signed in") {
    SignedInKiosk k;
    k.staff.signOut();
    CaseService cases(k.staff, k.catalog);
    auto current = cases.currentCase(k.personId);
    REQUIRE_FALSE(current.has_value());
    CHECK(current.error().code == storage::ErrorCode::PermissionDenied);
    auto found = StaffSearchService(k.staff).search("perez");
    REQUIRE_FALSE(found.has_value());
    CHECK(found.error().code == storage::ErrorCode::PermissionDenied);
}

TEST_CASE("staff search: two letters or digits start a search; rows carry the shown name") {
    CHECK_FALSE(StaffSearchService::searchable(""));
    CHECK_FALSE(StaffSearchService::searchable("a"));
    CHECK_FALSE(StaffSearchService::searchable(" - ."));
    CHECK(StaffSearchService::searchable("ab"));
    CHECK(StaffSearchService::searchable("é1"));

    SignedInKiosk k;
    auto rows = StaffSearchService(k.staff).search("perez");
    REQUIRE(rows.has_value());
    REQUIRE(rows->size() == 1);
    CHECK(rows->front().personId == k.personId);
    CHECK(rows->front().name == "María José Pérez Gómez");
    CHECK(personName("Ana", "", "Quispe") == "Ana Quispe");
}

TEST_CASE("accounts: nobody manages themselves; an administrator manages anyone else, a supervisor only staff") {
    const SessionView admin{true, "a1", "ana.admin", "Ana", "admin", "TUM"};
    const SessionView supervisor{true, "s1", "rosa.super", "Rosa", "supervisor", "TUM"};
    const SessionView staff{true, "t1", "luis.staff", "Luis", "staff", "TUM"};
    StaffSummary member;
    member.id = "t2";
    member.role = "staff";
    CHECK(AccountsService::mayManage(admin, member));
    CHECK(AccountsService::mayManage(supervisor, member));
    CHECK_FALSE(AccountsService::mayManage(staff, member));
    member.role = "supervisor";
    CHECK(AccountsService::mayManage(admin, member));
    CHECK_FALSE(AccountsService::mayManage(supervisor, member));
    member.id = "a1";
    member.role = "admin";
    CHECK_FALSE(AccountsService::mayManage(admin, member));
}

TEST_CASE("sync panel: without a worker the changes waiting to go up are the store's unsealed ones") {
    SignedInKiosk k;
    sync::SyncWorker* noWorker = nullptr;
    SyncPanelService panel(k.staff, noWorker);
    auto unsealed = panel.unsealed();
    REQUIRE(unsealed.has_value());
    auto pending = sync::countPending(*k.staff.store());
    REQUIRE(pending.has_value());
    CHECK(*unsealed == pending->unsealed);
    CHECK(*unsealed > 0);  // the person, household and cases above
    const SyncPanelView view = panel.view(*unsealed, false);
    CHECK_FALSE(view.workerPresent);
    CHECK(view.pendingUp == *unsealed);
    CHECK_FALSE(view.canSyncNow);
}

}  // namespace chasqui::kiosk
