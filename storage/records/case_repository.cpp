#include "storage/records/case_repository.hpp"

#include <fmt/format.h>

#include "storage/base/text.hpp"
#include "storage/base/validation.hpp"
#include "storage/base/vocabulary.hpp"

namespace chasqui::storage {

namespace {

RecordMeta metaFrom(const Stmt& s) {
    return {s.text(0), s.integer(1), s.integer(2), s.text(3), s.text(4), s.integer(5) != 0};
}

constexpr const char* kMeta = "id, created_at, updated_at, author, device, deleted";

Fields caseFields(const Case& c) {
    return {{"person_id", c.personId},        {"household_id", c.householdId},
            {"office_id", c.officeId},        {"status", c.status},
            {"priority", c.priority},         {"vulnerabilities", joinCodes(c.vulnerabilities)},
            {"needs", joinCodes(c.needs)},    {"consent_given", std::int64_t{c.consent.given ? 1 : 0}},
            {"consent_date", c.consent.date}, {"consent_scope", joinCodes(c.consent.scope)},
            {"opened_date", c.openedDate},    {"closed_date", c.closedDate}};
}

Case caseFromRow(const Stmt& s) {
    Case c;
    c.meta = metaFrom(s);
    c.personId = s.text(6);
    c.householdId = s.text(7);
    c.officeId = s.text(8);
    c.status = s.text(9);
    c.priority = s.text(10);
    c.vulnerabilities = splitCodes(s.text(11));
    c.needs = splitCodes(s.text(12));
    c.consent.given = s.integer(13) != 0;
    c.consent.date = s.text(14);
    c.consent.scope = splitCodes(s.text(15));
    c.openedDate = s.text(16);
    c.closedDate = s.text(17);
    return c;
}

const std::string kCaseSelect = std::string("SELECT ") + kMeta +
                                ", person_id, household_id, office_id, status, priority, vulnerabilities, needs, "
                                "consent_given, consent_date, consent_scope, opened_date, closed_date FROM cases ";

}  // namespace

Result<std::string> CaseRepository::open(RecordWriter& writer, const Case& record) {
    if (auto r = validateCase(record, m_store.today()); !r) return std::unexpected(r.error());
    if (!record.personId.empty()) {
        if (auto p = writer.read("person", record.personId, {"id"}); !p)
            return fail(ErrorCode::NotFound, "the case's person is not on this kiosk", "person_id");
    } else if (auto h = writer.read("household", record.householdId, {"id"}); !h) {
        return fail(ErrorCode::NotFound, "the case's household is not on this kiosk", "household_id");
    }
    return writer.insert("case", caseFields(record));
}

Result<std::string> CaseRepository::open(const Case& record) {
    return m_store.write<std::string>([&](RecordWriter& w) { return open(w, record); });
}

Result<void> CaseRepository::update(const Case& record) {
    if (auto r = validateCase(record, m_store.today()); !r) return r;
    return m_store.writeVoid([&](RecordWriter& w) -> Result<void> {
        auto r = w.update("case", record.meta.id, caseFields(record));
        if (!r) return std::unexpected(r.error());
        return {};
    });
}

Result<std::vector<Case>> CaseRepository::casesOfPerson(const std::string& personId) {
    auto stmt = m_store.db().prepare(kCaseSelect +
                                     "WHERE deleted = 0 AND (person_id = ?1 OR household_id IN "
                                     "(SELECT household_id FROM persons WHERE id = ?1 AND household_id <> '')) "
                                     "ORDER BY opened_date DESC");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, personId);
    std::vector<Case> out;
    for (;;) {
        auto row = stmt->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        out.push_back(caseFromRow(*stmt));
    }
    stmt->reset();
    return out;
}

Result<std::string> CaseRepository::currentCase(const std::string& personId) {
    auto cases = casesOfPerson(personId);
    if (!cases) return std::unexpected(cases.error());
    return currentCaseOf(*cases, personId);
}

std::string currentCaseOf(const std::vector<Case>& cases, const std::string& personId) {
    const Case* householdOpen = nullptr;
    const Case* newest = nullptr;
    for (const Case& c : cases) {
        if (c.meta.deleted) continue;
        if (c.status == "open" && c.personId == personId) return c.meta.id;
        if (c.status == "open" && householdOpen == nullptr) householdOpen = &c;
        if (newest == nullptr) newest = &c;
    }
    if (householdOpen != nullptr) return householdOpen->meta.id;
    return newest != nullptr ? newest->meta.id : std::string();
}

Result<CaseFile> CaseRepository::file(const std::string& caseId) {
    return m_store.write<CaseFile>([&](RecordWriter& w) -> Result<CaseFile> {
        Db& db = m_store.db();
        CaseFile f;
        auto c = db.readOne(kCaseSelect + "WHERE id = ? AND deleted = 0", caseFromRow, caseId);
        if (!c) return std::unexpected(c.error());
        if (!*c) return fail(ErrorCode::NotFound, "this case is not on this kiosk");
        f.record = std::move(**c);

        auto a = db.prepare(std::string("SELECT ") + kMeta +
                            ", case_id, date, sector, type, quantity, unit, office_id, staff_id FROM assistance "
                            "WHERE case_id = ? AND deleted = 0 ORDER BY date DESC, rid DESC");
        if (!a) return std::unexpected(a.error());
        a->bind(1, caseId);
        while (true) {
            auto r = a->step();
            if (!r) return std::unexpected(r.error());
            if (!*r) break;
            f.assistance.push_back(Assistance{metaFrom(*a), a->text(6), a->text(7), a->text(8), a->text(9), a->real(10),
                                              a->text(11), a->text(12), a->text(13)});
        }
        a->reset();

        auto ref = db.prepare(std::string("SELECT ") + kMeta +
                              ", case_id, service_id, reason, urgency, consent_to_share, status, follow_up_date, "
                              "outcome FROM referrals WHERE case_id = ? AND deleted = 0 ORDER BY rid");
        if (!ref) return std::unexpected(ref.error());
        ref->bind(1, caseId);
        while (true) {
            auto r = ref->step();
            if (!r) return std::unexpected(r.error());
            if (!*r) break;
            Referral x;
            x.meta = metaFrom(*ref);
            x.caseId = ref->text(6);
            x.serviceId = ref->text(7);
            x.reason = ref->text(8);
            x.urgency = ref->text(9);
            x.consentToShare = ref->integer(10) != 0;
            x.status = ref->text(11);
            x.followUpDate = ref->text(12);
            x.outcome = ref->text(13);
            f.referrals.push_back(std::move(x));
        }
        ref->reset();
        auto h = db.prepare(std::string("SELECT ") + kMeta +
                            ", referral_id, status, date, staff_id, comment FROM referral_status "
                            "WHERE referral_id = ? AND deleted = 0 ORDER BY date, rid");
        if (!h) return std::unexpected(h.error());
        for (auto& x : f.referrals) {
            h->bind(1, x.meta.id);
            while (true) {
                auto r = h->step();
                if (!r) return std::unexpected(r.error());
                if (!*r) break;
                x.history.push_back(
                    ReferralStatusChange{metaFrom(*h), h->text(6), h->text(7), h->text(8), h->text(9), h->text(10)});
            }
            h->reset();
        }

        auto n = db.prepare(std::string("SELECT ") + kMeta +
                            ", case_id, text FROM notes WHERE case_id = ? AND deleted = 0 ORDER BY rid DESC");
        if (!n) return std::unexpected(n.error());
        n->bind(1, caseId);
        while (true) {
            auto r = n->step();
            if (!r) return std::unexpected(r.error());
            if (!*r) break;
            f.notes.push_back(Note{metaFrom(*n), n->text(6), n->text(7)});
        }
        n->reset();
        if (auto r = w.audit("view", "case", caseId); !r) return std::unexpected(r.error());
        return f;
    });
}

Result<std::string> CaseRepository::recordAssistance(RecordWriter& writer, const Assistance& a) {
    if (auto r = validateAssistance(a, m_store.today()); !r) return std::unexpected(r.error());
    if (auto c = writer.read("case", a.caseId, {"id"}); !c)
        return fail(ErrorCode::NotFound, "the case is not on this kiosk", "case_id");
    return writer.insert("assistance", {{"case_id", a.caseId},
                                        {"date", a.date},
                                        {"sector", a.sector},
                                        {"type", a.type},
                                        {"quantity", a.quantity},
                                        {"unit", a.unit},
                                        {"office_id", a.officeId},
                                        {"staff_id", a.staffId}});
}

Result<std::string> CaseRepository::recordAssistance(const Assistance& a) {
    return m_store.write<std::string>([&](RecordWriter& w) { return recordAssistance(w, a); });
}

Result<std::string> CaseRepository::refer(RecordWriter& writer, const Referral& record) {
    Referral r0 = record;
    r0.status = "sent";
    if (auto r = validateReferral(r0, m_store.today()); !r) return std::unexpected(r.error());
    if (auto c = writer.read("case", r0.caseId, {"consent_given"}); !c) {
        return fail(ErrorCode::NotFound, "the case is not on this kiosk", "case_id");
    } else if (r0.consentToShare && std::get<std::int64_t>((*c)[0].second) == 0) {
        return invalid("consent_to_share",
                       "the person has not given consent; record consent on the case before "
                       "sharing their data with a service");
    }
    auto id = writer.insert("referral", {{"case_id", r0.caseId},
                                         {"service_id", r0.serviceId},
                                         {"reason", r0.reason},
                                         {"urgency", r0.urgency},
                                         {"consent_to_share", std::int64_t{r0.consentToShare ? 1 : 0}},
                                         {"status", r0.status},
                                         {"follow_up_date", r0.followUpDate},
                                         {"outcome", r0.outcome}});
    if (!id) return id;
    auto step = writer.insert("referral_status", {{"referral_id", *id},
                                                  {"status", std::string("sent")},
                                                  {"date", m_store.today()},
                                                  {"staff_id", writer.context().staffId},
                                                  {"comment", std::string()}});
    if (!step) return std::unexpected(step.error());
    return id;
}

Result<std::string> CaseRepository::refer(const Referral& record) {
    return m_store.write<std::string>([&](RecordWriter& w) { return refer(w, record); });
}

Result<void> CaseRepository::setReferralStatus(RecordWriter& writer, const std::string& referralId,
                                               const std::string& status, const std::string& date,
                                               const std::string& comment) {
    if (!vocab::contains(vocab::referralStatuses(), status))
        return invalid("status",
                       fmt::format("status must be one of: {}", vocab::joinForMessage(vocab::referralStatuses())));
    if (auto r = checkDate("date", date, "2015-01-01", m_store.today()); !r) return r;
    if (auto r = checkText("comment", comment, 0, 1000, true); !r) return r;
    auto current = writer.read("referral", referralId, {"status"});
    if (!current) return std::unexpected(current.error());
    const std::string from = std::get<std::string>((*current)[0].second);
    if (!vocab::referralTransitionAllowed(from, status)) {
        return invalid("status", fmt::format("a referral that is '{}' cannot become '{}'", from, status));
    }
    if (auto r = writer.update("referral", referralId, {{"status", status}}); !r) return std::unexpected(r.error());
    auto step = writer.insert("referral_status", {{"referral_id", referralId},
                                                  {"status", status},
                                                  {"date", date},
                                                  {"staff_id", writer.context().staffId},
                                                  {"comment", comment}});
    if (!step) return std::unexpected(step.error());
    return {};
}

Result<void> CaseRepository::setReferralStatus(const std::string& referralId, const std::string& status,
                                               const std::string& date, const std::string& comment) {
    return m_store.writeVoid([&](RecordWriter& w) { return setReferralStatus(w, referralId, status, date, comment); });
}

Result<std::string> CaseRepository::addNote(const Note& note) {
    if (auto r = validateNote(note); !r) return std::unexpected(r.error());
    return m_store.write<std::string>([&](RecordWriter& w) -> Result<std::string> {
        if (auto c = w.read("case", note.caseId, {"id"}); !c)
            return fail(ErrorCode::NotFound, "the case is not on this kiosk", "case_id");
        return w.insert("note", {{"case_id", note.caseId}, {"text", note.text}});
    });
}

}  // namespace chasqui::storage
