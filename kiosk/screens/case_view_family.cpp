// Case view: the household. Its members with their relation to the head,
// and the forms that change who lives with whom: a member added (a person
// already on the kiosk, found by name, or a new person in a short form), the
// person moved into another household or out of theirs, a household started
// by a person who lives alone, and the district of residence. The rules
// (one head; the head does not leave while members remain) are storage's
// (household_repository.hpp); this file shows what it refused.
#include <algorithm>

#include <fmt/format.h>
#include <imgui.h>

#include "kiosk/screens/case_text.hpp"
#include "kiosk/screens/case_view_screen.hpp"
#include "kiosk/screens/case_widgets.hpp"
#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/search_pick.hpp"
#include "kiosk/ui/typed_date.hpp"
#include "kiosk/ui/widgets.hpp"
#include "storage/base/vocabulary.hpp"

namespace chasqui::kiosk {

namespace {

using casework::vocabLabel;

constexpr std::size_t kNameBytes = 320;

// Relations a member can have: every one but "head" (named when the household starts).
std::vector<Option> memberRelations(const Ui& ui) {
    std::vector<Option> out = casework::vocabOptions(ui, "relations_to_head", storage::vocab::relationsToHead());
    out.erase(std::remove_if(out.begin(), out.end(), [](const Option& o) { return o.code == "head"; }), out.end());
    return out;
}

const char* familyErrorKey(const std::string& field, bool moving) {
    if (field == "relation_to_head") return moving ? "family.error.head_leaves" : "family.error.relation";
    if (field == "pick") return "family.error.pick";
    if (field == "household_id") return "family.error.household";
    if (field == "district") return "family.error.district";
    if (field == "birth_date") return "edit.error.date";
    return "edit.error.field";
}

}  // namespace

void CaseViewScreen::drawHousehold(Ui& ui) {
    const Data& d = *m_data;
    if (d.person.householdId.empty() || d.household.empty()) {
        muted(ui, ui.tr("case.household.none"));
        drawFamilyActions(ui);
        return;
    }
    // A district no catalog service names is still a UBIGEO code here: the
    // kiosk's own district list names it when it can.
    if (!d.householdDistrict.empty())
        muted(ui, fill(ui.tr("case.household.district"), {vocabLabel(ui, "districts", d.householdDistrict)}));
    muted(ui, fill(ui.tr("family.count"), {std::to_string(d.household.size())}));
    const std::string today = storage::isoDate(m_ctx.clock.nowMs());
    for (const auto& member : d.household) {
        std::string details = vocabLabel(ui, "relations_to_head", member.relationToHead);
        const auto add = [&](const std::string& part) {
            if (part.empty()) return;
            if (!details.empty()) details += casework::kSeparator;
            details += part;
        };
        add(vocabLabel(ui, "sexes", member.sex));
        if (auto age = casework::ageOn(member.birthDate, today))
            add(fill(ui.tr(member.birthDateEstimated ? "case.profile.age_estimated" : "case.profile.age"),
                     {std::to_string(*age)}));
        add(member.caseCode);
        if (member.meta.id == d.person.meta.id) {
            casework::Card card(ui);
            ImGui::PushFont(ui.fonts.bold);
            card.paragraph(fmt::format("{}  {}  ({})", icon::kUser, casework::fullName(member),
                                       ui.tr("case.household.this_person")));
            ImGui::PopFont();
            card.paragraph(details, true);
            card.end();
            continue;
        }
        const std::string key = "case.member." + member.meta.id;
        if (listRow(ui, key.c_str(), casework::fullName(member), details, icon::kUser)) {
            m_intent = Intent::ShowMember;
            m_intentArg = member.meta.id;
        }
    }
    muted(ui, ui.tr("case.household.hint"));
    drawFamilyActions(ui);
}

void CaseViewScreen::drawFamilyActions(Ui& ui) {
    const Data& d = *m_data;
    ImGui::Dummy(ImVec2(0.f, ui.px(8.f)));
    const bool alone = d.person.householdId.empty() || d.household.empty();
    const auto action = [&](const char* icon, const char* key, const char* mode, bool sameLine) {
        if (sameLine) ImGui::SameLine();
        const std::string label = fmt::format("{}  {}", icon, ui.tr(key));
        const float width = ImGui::CalcTextSize(label.c_str()).x + ui.px(ui.theme.spacing) * 2.5f;
        if (sameLine && ImGui::GetContentRegionAvail().x < width) ImGui::NewLine();
        if (button(ui, label, key, ImVec2(0.f, 0.f), Tone::Secondary, !m_saving)) {
            m_intent = mode == nullptr ? Intent::FamilyLeave : Intent::FamilyOpen;
            m_intentArg = mode == nullptr ? std::string() : std::string(mode);
        }
    };
    if (alone) {
        action(icon::kPlus, "family.start", "start", false);
        action(icon::kUser, "family.move", "move", true);
        return;
    }
    action(icon::kUser, "family.add_existing", "add_existing", false);
    action(icon::kPlus, "family.add_new", "add_new", true);
    action(icon::kFile, "family.district", "district", true);
    action(icon::kShare, "family.move", "move", true);
    action(icon::kClose, "family.leave", nullptr, true);
}

void CaseViewScreen::drawFamilyForm(Ui& ui) {
    FamilyForm& f = m_family;
    const bool moving = f.mode == FamilyMode::Move;
    const auto error = [&](const char* field) {
        return f.errorField == field ? ui.tr(familyErrorKey(field, moving)) : "";
    };
    const char* titleKey = "family.title.add_existing";
    switch (f.mode) {
        case FamilyMode::AddNew:
            titleKey = "family.title.add_new";
            break;
        case FamilyMode::Move:
            titleKey = "family.title.move";
            break;
        case FamilyMode::Start:
            titleKey = "family.title.start";
            break;
        case FamilyMode::District:
            titleKey = "family.title.district";
            break;
        default:
            break;
    }
    // The buttons stay below the scrolling fields, always in reach.
    beginScrollArea(ui, "family.scroll", ImVec2(0.f, ImGui::GetContentRegionAvail().y - casework::footerHeight(ui)));
    if (f.scrollTop) {
        ImGui::SetScrollY(0.f);
        f.scrollTop = false;
    }
    heading(ui, ui.tr(titleKey));
    if (f.mode == FamilyMode::AddExisting || f.mode == FamilyMode::Move) {
        muted(ui, ui.tr(moving ? "family.search_hint.move" : "family.search_hint.add"));
        // textField answers true in the frame its text changed: search as you type.
        if (textField(ui, ui.tr("family.search"), "family.search", f.query, EntryMode::Text, 120, error("pick")))
            m_intent = Intent::FamilySearch;
        casework::keepInSight(ui, "family.search", m_scrolledFor);
        if (!f.pickedId.empty())
            successText(ui, fmt::format("{}  {}", icon::kCheck, fill(ui.tr("family.picked"), {f.pickedName})));
        if (f.searched && f.results.empty()) muted(ui, ui.tr("family.no_results"));
        for (const PersonRow& row : f.results) {
            const std::string key = "family.result." + row.personId;
            std::string details = row.caseCode;
            if (!row.birthDate.empty()) details += casework::kSeparator + casework::displayDate(row.birthDate);
            if (listRow(ui, key.c_str(), row.name, details, row.personId == f.pickedId ? icon::kCheck : icon::kUser)) {
                m_intent = Intent::FamilyPick;
                m_intentArg = row.personId;
            }
        }
    }
    if (f.mode == FamilyMode::AddNew) {
        storage::Person& p = f.person;
        const auto text = [&](const char* key, std::string& value, EntryMode mode, std::size_t maxBytes,
                              const char* field) {
            textField(ui, ui.tr(key), key, value, mode, maxBytes, error(field));
            casework::keepInSight(ui, key, m_scrolledFor);
        };
        muted(ui, ui.tr("family.new_hint"));
        text("family.given_names", p.givenNames, EntryMode::Text, kNameBytes, "given_names");
        text("family.family_name_1", p.familyName1, EntryMode::Text, kNameBytes, "family_name_1");
        text("family.family_name_2", p.familyName2, EntryMode::Text, kNameBytes, "family_name_2");
        choice(ui, ui.tr("edit.sex"), "family.sex", casework::vocabOptions(ui, "sexes", storage::vocab::sexes()), p.sex,
               error("sex"));
        text("family.birth_date", p.birthDate, EntryMode::Date, 10, "birth_date");
    }
    if (f.mode == FamilyMode::AddExisting || f.mode == FamilyMode::AddNew || f.mode == FamilyMode::Move) {
        ImGui::Dummy(ImVec2(0.f, ui.px(4.f)));
        choice(ui, ui.tr("family.relation"), "family.relation", memberRelations(ui), f.relation,
               error("relation_to_head"));
    }
    if (f.mode == FamilyMode::Start || f.mode == FamilyMode::District) {
        if (!f.listsReady) {
            f.districts = namedOptions(ui, "districts");
            keepCode(f.districts, f.district);
            f.districtQuery = optionLabel(f.districts, f.district);
            f.listsReady = true;
        }
        searchPick(ui, ui.tr("family.district_name"), "family.district_name", f.districtQuery, f.district, f.districts,
                   error("district"));
        casework::keepInSight(ui, "family.district_name", m_scrolledFor);
    }
    if (!f.errorField.empty() && f.errorField != "pick" && f.errorField != "relation_to_head" &&
        f.errorField != "district" && f.errorField != "given_names" && f.errorField != "family_name_1" &&
        f.errorField != "family_name_2" && f.errorField != "sex" && f.errorField != "birth_date")
        errorText(ui, fmt::format("{}  {}", icon::kWarning, ui.tr(familyErrorKey(f.errorField, moving))));
    ImGui::Dummy(ImVec2(0.f, ui.px(ui.theme.spacing)));
    endScrollArea(ui);
    ImGui::Dummy(ImVec2(0.f, ui.px(4.f)));
    if (button(ui, fmt::format("{}  {}", icon::kCheck, ui.tr("family.save")), "family.save", ImVec2(0.f, 0.f),
               Tone::Primary, !m_saving))
        m_intent = Intent::FamilySave;
    ImGui::SameLine();
    if (button(ui, ui.tr("edit.cancel"), "family.cancel", ImVec2(0.f, 0.f), Tone::Secondary, !m_saving))
        m_intent = Intent::FamilyCancel;
}

void CaseViewScreen::searchFamily() {
    const std::uint64_t generation = ++m_searchGeneration;
    const std::string query = m_family.query;
    if (!StaffSearchService::searchable(query)) {
        m_family.results.clear();
        m_family.searched = false;
        return;
    }
    m_ctx.tasks.post([this, generation, query]() -> TaskRunner::Continuation {
        auto found = m_search.search(query);
        return [this, generation, found = std::move(found)]() mutable {
            if (generation != m_searchGeneration || m_family.mode == FamilyMode::None || !m_data) return;
            m_family.results.clear();
            m_family.searched = true;
            if (!found) {
                m_message = casework::errorKey(found.error());
                m_messageIsError = true;
                return;
            }
            // Nobody already in this household, and never the person themself.
            for (PersonRow& row : *found) {
                const bool member = std::any_of(m_data->household.begin(), m_data->household.end(),
                                                [&](const storage::Person& p) { return p.meta.id == row.personId; });
                if (!member && row.personId != m_data->person.meta.id) m_family.results.push_back(std::move(row));
            }
        };
    });
}

void CaseViewScreen::actOnFamily(Intent intent) {
    FamilyForm& f = m_family;
    const auto refused = [this](const std::string& field) { m_family.errorField = field.empty() ? "form" : field; };
    const auto done = [this](const std::string&) {
        m_family = FamilyForm{};
        ++m_searchGeneration;
    };
    switch (intent) {
        case Intent::FamilyOpen: {
            closeForms();
            const std::string& mode = m_intentArg;
            f.mode = mode == "add_existing" ? FamilyMode::AddExisting
                     : mode == "add_new"    ? FamilyMode::AddNew
                     : mode == "move"       ? FamilyMode::Move
                     : mode == "start"      ? FamilyMode::Start
                                            : FamilyMode::District;
            // Only what is new counts as unsaved: the district shown is the stored one.
            if (f.mode == FamilyMode::District) f.district = m_data->householdDistrictCode;
            m_message = nullptr;
            break;
        }
        case Intent::FamilySearch:
            f.pickedId.clear();
            f.pickedName.clear();
            searchFamily();
            break;
        case Intent::FamilyPick:
            for (const PersonRow& row : f.results)
                if (row.personId == m_intentArg) {
                    f.pickedId = row.personId;
                    f.pickedName = row.name;
                }
            if (f.errorField == "pick") f.errorField.clear();
            break;
        case Intent::FamilyCancel:
            if (leaveAllowed(Leave::Cancel)) {
                m_family = FamilyForm{};
                ++m_searchGeneration;
            }
            break;
        case Intent::FamilyLeave: {
            const std::string personId = m_data->person.meta.id;
            submitEdit([personId](EditService& edits) { return edits.leaveHousehold(personId); }, "family.done.left",
                       {}, [this](const std::string&) { m_message = "family.error.head_leaves"; });
            break;
        }
        case Intent::FamilySave: {
            const std::string personId = m_data->person.meta.id;
            const std::string householdId = m_data->person.householdId;
            const std::string relation = f.relation;
            f.errorField.clear();
            switch (f.mode) {
                case FamilyMode::AddExisting:
                case FamilyMode::Move: {
                    if (f.pickedId.empty())
                        f.errorField = "pick";
                    else if (relation.empty())
                        f.errorField = "relation_to_head";
                    if (!f.errorField.empty()) return;
                    const std::string picked = f.pickedId;
                    if (f.mode == FamilyMode::AddExisting)
                        submitEdit(
                            [picked, householdId, relation](EditService& edits) {
                                return edits.moveToHousehold(picked, householdId, relation);
                            },
                            "family.done.added", done, refused);
                    else
                        submitEdit([personId, picked, relation](
                                       EditService& edits) { return edits.moveInWith(personId, picked, relation); },
                                   "family.done.moved", done, refused);
                    break;
                }
                case FamilyMode::AddNew: {
                    // The short form asks names, sex and birth date; the rest
                    // is taken from the person whose household it is (a
                    // child arriving with a parent), to be edited later.
                    storage::Person p = m_data->person;
                    p.meta = {};
                    p.caseCode.clear();
                    p.givenNames = casework::trimmed(f.person.givenNames);
                    p.familyName1 = casework::trimmed(f.person.familyName1);
                    p.familyName2 = casework::trimmed(f.person.familyName2);
                    p.sex = f.person.sex;
                    p.birthDate = storedDate(casework::trimmed(f.person.birthDate));
                    p.birthDateEstimated = false;
                    p.genderIdentity.clear();
                    p.docType = "none";
                    p.docNumber.clear();
                    p.phone.clear();
                    p.arrivalDate.clear();
                    p.disability.clear();
                    p.householdId = householdId;
                    p.relationToHead = relation.empty() ? "other_relative" : relation;
                    f.errorField = EditService::personProblem(p, storage::isoDate(m_ctx.clock.nowMs()));
                    if (f.errorField.empty() && relation.empty()) f.errorField = "relation_to_head";
                    if (!f.errorField.empty()) return;
                    submitEdit([p, householdId,
                                relation](EditService& edits) { return edits.addNewMember(p, householdId, relation); },
                               "family.done.added", done, refused);
                    break;
                }
                case FamilyMode::Start:
                case FamilyMode::District: {
                    const std::string district = casework::trimmed(f.district);
                    if (f.mode == FamilyMode::Start)
                        submitEdit([personId,
                                    district](EditService& edits) { return edits.startHousehold(personId, district); },
                                   "family.done.started", done, refused);
                    else
                        submitEdit(
                            [householdId, district](EditService& edits) {
                                return edits.setHouseholdDistrict(householdId, district);
                            },
                            "family.done.district", done, refused);
                    break;
                }
                case FamilyMode::None:
                    break;
            }
            break;
        }
        default:
            break;
    }
}

}  // namespace chasqui::kiosk
