#include "storage/records/household_repository.hpp"

#include <fmt/format.h>

#include "storage/base/validation.hpp"
#include "storage/base/vocabulary.hpp"
#include "storage/search/search_index.hpp"

namespace chasqui::storage {

namespace {

std::string textField(const Fields& fields, std::size_t index) {
    const auto* text = std::get_if<std::string>(&fields.at(index).second);
    return text != nullptr ? *text : std::string();
}

Result<void> checkMemberRelation(const std::string& relation) {
    if (relation == "head")
        return invalid("relation_to_head",
                       "a household has one head, named when it is started; choose how this person is related to "
                       "the head");
    if (!vocab::contains(vocab::relationsToHead(), relation))
        return invalid("relation_to_head", fmt::format("relation_to_head must be one of: {}",
                                                       vocab::joinForMessage(vocab::relationsToHead())));
    return {};
}

// count(*) of a query with two bound texts.
Result<std::int64_t> countOf(Db& db, const std::string& sql, const std::string& id, const std::string& other) {
    auto stmt = db.prepare(sql);
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, id).bind(2, other);
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    const std::int64_t n = *row ? stmt->integer(0) : 0;
    stmt->reset();
    return n;
}

}  // namespace

Result<void> HouseholdRepository::leaveCurrent(RecordWriter& w, const std::string& personId) {
    auto current = w.read("person", personId, {"household_id", "relation_to_head"});
    if (!current) return std::unexpected(current.error());
    const std::string householdId = textField(*current, 0);
    if (householdId.empty()) return {};
    auto others = countOf(
        m_store.db(),
        "SELECT count(*) FROM persons WHERE household_id = ?1 AND household_id <> '' AND deleted = 0 AND id <> ?2",
        householdId, personId);
    if (!others) return std::unexpected(others.error());
    auto household = w.read("household", householdId, {"head_person_id"});
    const bool isHead = household && textField(*household, 0) == personId;
    if (*others > 0 && (isHead || textField(*current, 1) == "head"))
        return invalid("relation_to_head",
                       "the head of a household cannot leave it while other members remain: move the other members "
                       "first");
    auto changed = w.update("person", personId, {{"household_id", std::string()}, {"relation_to_head", std::string()}});
    if (!changed) return std::unexpected(changed.error());
    if (*others > 0 || !household) return {};
    // Nobody is left: the household goes, unless a case keeps its history.
    auto hasCase = m_store.db().hasRow(
        "SELECT 1 FROM cases WHERE household_id = ?1 AND household_id <> '' AND deleted = 0", householdId);
    if (!hasCase) return std::unexpected(hasCase.error());
    if (*hasCase) {
        auto headless = w.update("household", householdId, {{"head_person_id", std::string()}});
        if (!headless) return std::unexpected(headless.error());
        return {};
    }
    return w.remove("household", householdId);
}

Result<std::string> HouseholdRepository::startHousehold(const std::string& personId, const std::string& district) {
    if (auto r = validateHousehold(Household{{}, personId, district}); !r) return std::unexpected(r.error());
    return m_store.write<std::string>([&](RecordWriter& w) -> Result<std::string> {
        auto person = w.read("person", personId, {"household_id"});
        if (!person) return std::unexpected(person.error());
        if (!textField(*person, 0).empty())
            return invalid("household_id", "this person is already in a household; take them out of it first");
        auto id = PersonRepository(m_store).addHousehold(w, Household{{}, personId, district});
        if (!id) return id;
        auto changed = w.update("person", personId, {{"household_id", *id}, {"relation_to_head", std::string("head")}});
        if (!changed) return std::unexpected(changed.error());
        return id;
    });
}

Result<void> HouseholdRepository::moveToHousehold(const std::string& personId, const std::string& householdId,
                                                  const std::string& relation) {
    if (auto r = checkMemberRelation(relation); !r) return r;
    return m_store.writeVoid([&](RecordWriter& w) -> Result<void> {
        if (auto h = w.read("household", householdId, {"id"}); !h)
            return invalid("household_id", "that household is not on this kiosk (deleted, or not synced yet)");
        auto current = w.read("person", personId, {"household_id"});
        if (!current) return std::unexpected(current.error());
        if (textField(*current, 0) != householdId) {
            if (auto r = leaveCurrent(w, personId); !r) return r;
        }
        auto changed = w.update("person", personId, {{"household_id", householdId}, {"relation_to_head", relation}});
        if (!changed) return std::unexpected(changed.error());
        return {};
    });
}

Result<void> HouseholdRepository::leaveHousehold(const std::string& personId) {
    return m_store.writeVoid([&](RecordWriter& w) { return leaveCurrent(w, personId); });
}

Result<RegisteredPerson> HouseholdRepository::addNewMember(const Person& given, const std::string& householdId,
                                                           const std::string& relation) {
    if (auto r = checkMemberRelation(relation); !r) return std::unexpected(r.error());
    Person person = given;
    person.householdId = householdId;
    person.relationToHead = relation;
    return m_store.write<RegisteredPerson>([&](RecordWriter& w) -> Result<RegisteredPerson> {
        if (auto h = w.read("household", householdId, {"id"}); !h)
            return invalid("household_id", "that household is not on this kiosk (deleted, or not synced yet)");
        return PersonRepository(m_store).add(w, person);
    });
}

Result<void> HouseholdRepository::setDistrict(const std::string& householdId, const std::string& district) {
    if (!district.empty()) {
        if (auto r = checkUbigeo("district", district); !r) return r;
    }
    return m_store.writeVoid([&](RecordWriter& w) -> Result<void> {
        auto changed = w.update("household", householdId, {{"district", district}});
        if (!changed) return std::unexpected(changed.error());
        return {};
    });
}

}  // namespace chasqui::storage
