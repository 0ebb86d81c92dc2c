#include "storage/records/person_repository.hpp"

#include <fmt/format.h>

#include "storage/base/text.hpp"
#include "storage/base/validation.hpp"
#include "storage/base/vocabulary.hpp"
#include "storage/search/search_index.hpp"

namespace chasqui::storage {

namespace {

constexpr const char* kPersonColumns =
    "id, created_at, updated_at, author, device, deleted, case_code, given_names, family_name_1, family_name_2, sex, "
    "gender_identity, birth_date, birth_date_estimated, nationality, doc_type, doc_number, phone, languages, "
    "population_type, migration_status, arrival_date, disability, household_id, relation_to_head";

Person personFromRow(const Stmt& s) {
    Person p;
    p.meta = {s.text(0), s.integer(1), s.integer(2), s.text(3), s.text(4), s.integer(5) != 0};
    p.caseCode = s.text(6);
    p.givenNames = s.text(7);
    p.familyName1 = s.text(8);
    p.familyName2 = s.text(9);
    p.sex = s.text(10);
    p.genderIdentity = s.text(11);
    p.birthDate = s.text(12);
    p.birthDateEstimated = s.integer(13) != 0;
    p.nationality = s.text(14);
    p.docType = s.text(15);
    p.docNumber = s.text(16);
    p.phone = s.text(17);
    p.languages = splitCodes(s.text(18));
    p.populationType = s.text(19);
    p.migrationStatus = s.text(20);
    p.arrivalDate = s.text(21);
    p.disability = s.text(22);
    p.householdId = s.text(23);
    p.relationToHead = s.text(24);
    return p;
}

}  // namespace

Fields personFields(const Person& p) {
    return {{"given_names", p.givenNames},
            {"family_name_1", p.familyName1},
            {"family_name_2", p.familyName2},
            {"sex", p.sex},
            {"gender_identity", p.genderIdentity},
            {"birth_date", p.birthDate},
            {"birth_date_estimated", std::int64_t{p.birthDateEstimated ? 1 : 0}},
            {"nationality", p.nationality},
            {"doc_type", p.docType},
            {"doc_number", p.docType == "none" ? std::string() : normalizeDocumentNumber(p.docType, p.docNumber)},
            {"phone", p.phone},
            {"languages", joinCodes(p.languages)},
            {"population_type", p.populationType},
            {"migration_status", p.migrationStatus},
            {"arrival_date", p.arrivalDate},
            {"disability", p.disability},
            {"household_id", p.householdId},
            {"relation_to_head", p.relationToHead}};
}

Result<RegisteredPerson> PersonRepository::add(RecordWriter& writer, const Person& person) {
    if (auto r = validatePerson(person, m_store.today()); !r) return std::unexpected(r.error());
    auto code = m_store.nextCaseCode();
    if (!code) return std::unexpected(code.error());
    Fields fields = personFields(person);
    fields.insert(fields.begin(), {"case_code", *code});
    auto id = writer.insert("person", fields);
    if (!id) return std::unexpected(id.error());
    if (auto r = indexPerson(m_store.db(), *id); !r) return std::unexpected(r.error());
    return RegisteredPerson{*id, *code};
}

Result<RegisteredPerson> PersonRepository::add(const Person& person) {
    return m_store.write<RegisteredPerson>([&](RecordWriter& w) { return add(w, person); });
}

Result<void> PersonRepository::update(const Person& person) {
    if (auto r = validatePerson(person, m_store.today()); !r) return r;
    return m_store.writeVoid([&](RecordWriter& w) -> Result<void> {
        auto changed = w.update("person", person.meta.id, personFields(person));
        if (!changed) return std::unexpected(changed.error());
        if (*changed) return indexPerson(m_store.db(), person.meta.id);
        return {};
    });
}

Result<void> PersonRepository::remove(const std::string& id) {
    return m_store.writeVoid([&](RecordWriter& w) -> Result<void> {
        if (auto r = w.remove("person", id); !r) return r;
        return indexPerson(m_store.db(), id);
    });
}

Result<Person> PersonRepository::get(const std::string& id) {
    return m_store.write<Person>([&](RecordWriter& w) -> Result<Person> {
        auto p = m_store.db().readOne(
            fmt::format("SELECT {} FROM persons WHERE id = ? AND deleted = 0", kPersonColumns), personFromRow, id);
        if (!p) return std::unexpected(p.error());
        if (!*p) return fail(ErrorCode::NotFound, "this person is not on this kiosk (wrong id, or deleted)");
        if (auto r = w.audit("view", "person", id); !r) return std::unexpected(r.error());
        return std::move(**p);
    });
}

Result<std::string> PersonRepository::addHousehold(RecordWriter& writer, const Household& h) {
    if (auto r = validateHousehold(h); !r) return std::unexpected(r.error());
    return writer.insert("household", {{"head_person_id", h.headPersonId}, {"district", h.district}});
}

Result<std::string> PersonRepository::addHousehold(const Household& h) {
    return m_store.write<std::string>([&](RecordWriter& w) { return addHousehold(w, h); });
}

Result<void> PersonRepository::joinHousehold(const std::string& personId, const std::string& householdId,
                                             const std::string& relation) {
    if (!vocab::contains(vocab::relationsToHead(), relation))
        return invalid("relation_to_head", fmt::format("relation_to_head must be one of: {}",
                                                       vocab::joinForMessage(vocab::relationsToHead())));
    return m_store.writeVoid([&](RecordWriter& w) -> Result<void> {
        if (auto h = w.read("household", householdId, {"head_person_id"}); !h) return std::unexpected(h.error());
        auto changed = w.update("person", personId, {{"household_id", householdId}, {"relation_to_head", relation}});
        if (!changed) return std::unexpected(changed.error());
        if (relation == "head") {
            if (auto r = w.update("household", householdId, {{"head_person_id", personId}}); !r)
                return std::unexpected(r.error());
        }
        return {};
    });
}

Result<Household> PersonRepository::getHousehold(const std::string& id) {
    auto h = m_store.db().readOne(
        "SELECT id, created_at, updated_at, author, device, deleted, head_person_id, district FROM households "
        "WHERE id = ? AND deleted = 0",
        [](const Stmt& s) {
            Household out;
            out.meta = {s.text(0), s.integer(1), s.integer(2), s.text(3), s.text(4), s.integer(5) != 0};
            out.headPersonId = s.text(6);
            out.district = s.text(7);
            return out;
        },
        id);
    if (!h) return std::unexpected(h.error());
    if (!*h) return fail(ErrorCode::NotFound, "no such household on this kiosk");
    return std::move(**h);
}

Result<std::vector<Person>> PersonRepository::householdMembers(const std::string& householdId) {
    auto stmt = m_store.db().prepare(fmt::format(
        "SELECT {} FROM persons WHERE household_id = ?1 AND household_id <> '' AND deleted = 0 ORDER BY birth_date",
        kPersonColumns));
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, householdId);
    std::vector<Person> out;
    for (;;) {
        auto row = stmt->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        out.push_back(personFromRow(*stmt));
    }
    stmt->reset();
    return out;
}

}  // namespace chasqui::storage
