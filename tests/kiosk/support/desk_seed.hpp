#pragma once
// People put on a kiosk fixture's store before the kiosk signs in (the
// setup store is opened and closed around each call), and the way the staff
// home's search leaves the case view: the person selected, the screen shown.
#include <algorithm>
#include <cfloat>
#include <string>

#include <doctest/doctest.h>
#include <imgui.h>

#include "storage/base/model.hpp"
#include "storage/records/person_repository.hpp"
#include "tests/kiosk/support/kiosk_fixture.hpp"

namespace chasqui::test {

// A person with no document (so several can share the sample's details).
inline storage::Person deskPerson(const std::string& given, const std::string& family, const std::string& birth) {
    storage::Person p = samplePerson();
    p.givenNames = given;
    p.familyName1 = family;
    p.familyName2.clear();
    p.birthDate = birth;
    p.docType = "none";
    p.docNumber.clear();
    return p;
}

inline std::string seedPerson(KioskFixture& f, const storage::Person& person) {
    f.setup.reopen();
    auto added = storage::PersonRepository(*f.setup.store).add(person);
    REQUIRE(added.has_value());
    f.setup.store.reset();
    return added->id;
}

// What the store holds of a person, read without an audit entry: the
// running kiosk keeps the audit chain's head, so the test writes none while
// it runs.
inline storage::Person storedPerson(KioskFixture& f, const std::string& id) {
    f.setup.reopen();
    auto row = f.setup.store->db().readOne(
        "SELECT given_names, family_name_1, family_name_2, birth_date, household_id, relation_to_head FROM persons "
        "WHERE id = ?",
        [](const storage::Stmt& s) {
            storage::Person p;
            p.givenNames = s.text(0);
            p.familyName1 = s.text(1);
            p.familyName2 = s.text(2);
            p.birthDate = s.text(3);
            p.householdId = s.text(4);
            p.relationToHead = s.text(5);
            return p;
        },
        id);
    REQUIRE(row.has_value());
    REQUIRE(row->has_value());
    storage::Person out = **row;
    f.setup.store.reset();
    return out;
}

// Straight to the case view of `personId`, as the search would leave it.
inline void showCase(KioskFixture& f, const std::string& personId) {
    auto& app = f.kiosk->app();
    if (f.kiosk->screen() == kiosk::ScreenId::CaseView) {  // leave it, so that it loads the new person on entry
        app.router().requestGo(kiosk::ScreenId::StaffHome);
        f.kiosk->frame();
    }
    app.selection().clear();
    app.selection().personId = personId;
    app.router().requestGo(kiosk::ScreenId::CaseView);
    f.kiosk->frame();
    f.kiosk->settle();
    REQUIRE(f.kiosk->screen() == kiosk::ScreenId::CaseView);
}

// A finger dragged from (x, y) by `dy` pixels, through ImGuiIO as
// HeadlessKiosk::drag does, where no item is (the empty room of a list).
inline void dragAt(HeadlessKiosk& k, float x, float y, float dy) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(x, y);
    k.frame();
    io.MouseDown[0] = true;
    k.frame();
    for (int i = 1; i <= 10; ++i) {
        io.MousePos = ImVec2(x, y + dy * static_cast<float>(i) / 10.f);
        k.frame();
    }
    io.MouseDown[0] = false;
    k.frame();
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    k.settle();
}

// Drags the scroll area holding items that start with `areaPrefix` until
// `key` is wholly on screen above `bottom`, as a finger would; then taps it.
inline bool tapInView(HeadlessKiosk& k, const std::string& key, const std::string& areaPrefix, float bottom = 1000.f) {
    for (int i = 0; i < 12; ++i) {
        auto item = k.probe().find(key);
        if (!item) return false;
        if (item->visible && item->min.y >= 0.f && item->max.y <= bottom) return k.tap(key);
        std::string anchor;
        for (const auto& other : k.probe().items())
            if (other.visible && other.key.rfind(areaPrefix, 0) == 0 && other.min.y > 150.f && other.max.y < bottom &&
                other.key.rfind("nav.", 0) != 0 && other.key.rfind("case.tab.", 0) != 0)
                anchor = other.key;
        // Nothing else in the area: the item itself, when half of it shows.
        if (anchor.empty() && (item->min.y + item->max.y) * 0.5f < bottom) anchor = key;
        if (anchor.empty() && item->max.y > bottom) {  // nothing to hold: the room just above the fold
            dragAt(k, 40.f, bottom - 60.f, -std::min(250.f, item->max.y - bottom + 24.f));
            continue;
        }
        if (anchor.empty()) return false;
        // Just as far as needed (at most 250 px), so the anchor stays in a small area.
        const float dy = item->max.y > bottom ? -std::min(250.f, item->max.y - bottom + 24.f) : 250.f;
        k.drag(anchor, dy);
    }
    return false;
}

}  // namespace chasqui::test
