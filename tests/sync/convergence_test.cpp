// Property-based convergence: kiosks of two offices make random creates,
// edits, deletes and assistance, sync in random order through a server that
// loses requests and answers, receives duplicates and restarts, and kiosks
// that "crash" (close without warning). After healing and two sync rounds:
// every kiosk's data equals the server's for its office, no acknowledged
// change is lost, nothing is duplicated, no record leaves its office, and
// every concurrent losing value is kept as exactly one conflict record.
// Device clocks are wrong too: each kiosk starts with a random skew (minutes or
// days ahead, years behind), and clocks are set by hand, right or wrong, and
// kiosks restart during the run (sync/PROTOCOL.md section 3.1): no change
// created or acknowledged may be lost for it.
// A case's needs are edited too: a set field that merges element by element
// (sync/PROTOCOL.md 3.2) and must never conflict, lose an addition that no
// removal saw, or keep an element every addition of which a removal saw.
// Cases: RapidCheck's RC_PARAMS (max_success, default 100).
#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <map>
#include <ostream>
#include <set>

#include <fmt/core.h>

#include "storage/base/text.hpp"
#include "storage/records/case_repository.hpp"
#include "storage/records/element_set.hpp"
#include "storage/records/person_repository.hpp"
#include "sync/client/kiosk_sync.hpp"
#include "tests/support/server_view.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/test_store.hpp"
#include "tests/sync/in_process_channel.hpp"
#include "tests/sync/skewed_kiosk.hpp"

using namespace chasqui;
using namespace chasqui::storage;
using chasqui::test::ChannelFault;

namespace {

struct Op {
    enum Kind {
        Register,
        Edit,
        Delete,
        Assist,
        Sync,
        RestartServer,
        CrashKiosk,
        SetClock,
        Reboot,
        EditNeeds
    } kind = Register;
    int device = 0;
    int target = 0;  // which known person
    int field = 0;   // 0 given_names, 1 phone, 2 family_name_1
    int value = 0;   // EditNeeds: bit i set = kNeeds[i] wanted
    ChannelFault fault = ChannelFault::None;
    int skew = 0;  // SetClock, Reboot: index into kSkews
};

// Wall clock minus true time: right, a little ahead, days ahead, a year ahead,
// a day behind, years behind (a flat CMOS battery).
constexpr std::int64_t kSkews[] = {0,           10LL * 60 * 1000,     2LL * 86400000, 365LL * 86400000,
                                   -86400000LL, -3LL * 365 * 86400000};
constexpr int kSkewCount = 6;

// For RapidCheck's counterexamples.
void showValue(const Op& op, std::ostream& os) {
    static const char* kinds[] = {"Register",      "Edit",       "Delete",   "Assist", "Sync",
                                  "RestartServer", "CrashKiosk", "SetClock", "Reboot", "EditNeeds"};
    static const char* faults[] = {"none", "lose-request", "lose-answer", "duplicate"};
    os << kinds[op.kind] << "(device " << op.device << ", target " << op.target << ", field " << op.field << ", value "
       << op.value << ", fault " << faults[static_cast<int>(op.fault)] << ", skew " << kSkews[op.skew] << ")";
}

constexpr int kDevices = 4;  // 0-2 in TUM, 3 in LIM
constexpr const char* kNeeds[] = {"food_security", "health", "shelter", "wash"};
const char* officeOf(int device) {
    return device < 3 ? "TUM" : "LIM";
}

struct Kiosk {
    std::unique_ptr<test::TempDir> dir;
    std::unique_ptr<test::SkewedClock> wall;
    std::unique_ptr<test::FakeBootClock> boot;
    std::unique_ptr<DataDir> data;
    std::unique_ptr<TrustedClock> clock;  // what the store reads, as on a real kiosk
    std::unique_ptr<PersonalStore> store;
    std::unique_ptr<test::InProcessChannel> channel;
    std::string login;
};

class World {
public:
    World(std::int64_t startMs, const std::vector<int>& skews) {
        m_serverClock = std::make_unique<ManualClock>(startMs);
        reopenServer();
        for (int d = 0; d < kDevices; ++d) {
            Kiosk k;
            k.dir = std::make_unique<test::TempDir>();
            k.wall =
                std::make_unique<test::SkewedClock>(*m_serverClock, d * 7 + kSkews[skews[static_cast<std::size_t>(d)]]);
            k.boot = std::make_unique<test::FakeBootClock>(*m_serverClock);
            k.data = std::make_unique<DataDir>(k.dir->path() / "kiosk");
            k.clock = std::make_unique<TrustedClock>(*k.data, *k.wall, *k.boot);
            k.login = fmt::format("admin{}", d);
            InitOptions init;
            init.officeCode = officeOf(d);
            init.adminName = fmt::format("Admin {}", d);
            init.adminLogin = k.login;
            init.adminPin = test::kAdminPin;
            init.deviceNumber = d + 1;
            init.kdf = KdfParams::minimumForTests();
            RC_ASSERT(PersonalStore::create(*k.data, init, *k.clock).has_value());
            signIn(k);
            auto code = m_server->issueEnrollCode(officeOf(d));
            RC_ASSERT(code.has_value());
            auto pk = sync::devicePublicKeys(*k.store);
            RC_ASSERT(pk.has_value());
            auto enrolled = m_server->enroll(*code, k.store->session().deviceId, *pk);
            RC_ASSERT(enrolled.has_value());
            k.clock->observeServerTime(m_serverClock->nowMs());  // enrollment is a contact: the answer carries the time
            RC_ASSERT(sync::setServerPublicKey(*k.store, m_server->publicKey()).has_value());
            auto device = m_server->authenticate(enrolled->token);
            RC_ASSERT(device.has_value());
            k.channel = std::make_unique<test::InProcessChannel>(m_serverPtr, *device);
            m_kiosks.push_back(std::move(k));
        }
    }

    void signIn(Kiosk& k) {
        k.store.reset();
        k.clock->refresh();
        // Not durable (no fsync per commit): crash safety is the crash suite's job; this one is about merging.
        StoreTuning tuning;
        tuning.durable = false;
        auto s = PersonalStore::signIn(*k.data, k.login, test::kAdminPin, *k.clock, tuning);
        RC_ASSERT(s.has_value());
        k.store = std::move(*s);
    }

    void reopenServer() {
        m_server.reset();
        auto s = sync::ServerCore::open(test::serverLocationFor(m_serverDir.path() / "server"), *m_serverClock);
        RC_ASSERT(s.has_value());
        m_server = std::move(*s);
        m_serverPtr = m_server.get();
    }

    std::vector<std::string> livePersons(Kiosk& k) {
        std::vector<std::string> ids;
        auto stmt = k.store->db().prepare("SELECT id FROM persons WHERE deleted = 0 ORDER BY id");
        RC_ASSERT(stmt.has_value());
        while (true) {
            auto row = stmt->step();
            RC_ASSERT(row.has_value());
            if (!*row) break;
            ids.push_back(stmt->text(0));
        }
        return ids;
    }

    void apply(const Op& op) {
        Kiosk& k = m_kiosks[static_cast<std::size_t>(op.device)];
        m_serverClock->advance(3);  // true time; every kiosk's wall clock follows it, skewed
        static const char* kNames[] = {"Ana", "Luisa", "Carmen", "Yusmary"};
        static const char* kPhones[] = {"+51 900 000 001", "+51 900 000 002", "+51 900 000 003"};
        static const char* kFamilies[] = {"Pérez", "Quispe", "Jean-Baptiste"};
        PersonRepository persons(*k.store);
        CaseRepository cases(*k.store);
        switch (op.kind) {
            case Op::Register: {
                Person p = test::samplePerson();
                p.givenNames = kNames[op.value % 4];
                p.docType = "none";
                p.docNumber.clear();
                auto r = k.store->writeVoid([&](RecordWriter& w) -> Result<void> {
                    auto added = persons.add(w, p);
                    if (!added) return std::unexpected(added.error());
                    Case c;
                    c.personId = added->id;
                    c.officeId = k.store->session().officeId;
                    c.openedDate = k.store->today();
                    auto id = cases.open(w, c);
                    if (!id) return std::unexpected(id.error());
                    return {};
                });
                RC_ASSERT(r.has_value());
                ++m_registered[officeOf(op.device)];
                break;
            }
            case Op::EditNeeds: {
                const auto ids = livePersons(k);
                if (ids.empty()) return;
                // The oldest people (ids are UUIDv7): mostly the shared ones made
                // before the run, so that kiosks edit the same needs concurrently.
                auto list = cases.casesOfPerson(
                    ids[static_cast<std::size_t>(op.target) % std::min<std::size_t>(ids.size(), 2)]);
                RC_ASSERT(list.has_value());
                if (list->empty()) return;
                std::string needs;
                for (int i = 0; i < 4; ++i)
                    if ((op.value >> i) & 1) needs += std::string(needs.empty() ? "" : ",") + kNeeds[i];
                auto r = k.store->writeVoid([&](RecordWriter& w) -> Result<void> {
                    auto changed = w.update("case", list->front().meta.id, {{"needs", needs}});
                    if (!changed) return std::unexpected(changed.error());
                    return {};
                });
                RC_ASSERT(r.has_value());
                break;
            }
            case Op::Edit:
            case Op::Delete:
            case Op::Assist: {
                const auto ids = livePersons(k);
                if (ids.empty()) return;
                const std::string& id = ids[static_cast<std::size_t>(op.target) % ids.size()];
                if (op.kind == Op::Delete) {
                    RC_ASSERT(persons.remove(id).has_value());
                } else if (op.kind == Op::Edit) {
                    auto r = k.store->writeVoid([&](RecordWriter& w) -> Result<void> {
                        Fields f;
                        if (op.field == 0)
                            f = {{"given_names", std::string(kNames[op.value % 4])}};
                        else if (op.field == 1)
                            f = {{"phone", std::string(kPhones[op.value % 3])}};
                        else
                            f = {{"family_name_1", std::string(kFamilies[op.value % 3])}};
                        auto changed = w.update("person", id, f);
                        if (!changed) return std::unexpected(changed.error());
                        return {};
                    });
                    RC_ASSERT(r.has_value());
                } else {
                    auto list = cases.casesOfPerson(id);
                    RC_ASSERT(list.has_value());
                    if (list->empty()) return;
                    Assistance a{
                        {},    list->front().meta.id,       k.store->today(),          "food_security", "food_kit", 1,
                        "kit", k.store->session().officeId, k.store->session().staffId};
                    RC_ASSERT(cases.recordAssistance(a).has_value());
                }
                break;
            }
            case Op::Sync: {
                k.channel->setFault(op.fault);
                (void)sync::syncNow(*k.store, *k.channel);  // faults make it fail; that is the point
                break;
            }
            case Op::RestartServer:
                reopenServer();
                break;
            case Op::CrashKiosk:
                signIn(k);
                break;
            case Op::SetClock:
                k.wall->setSkew(op.device * 7 + kSkews[op.skew]);
                break;
            case Op::Reboot:
                k.wall->setSkew(op.device * 7 + kSkews[op.skew]);
                k.boot->reboot();
                signIn(k);
                break;
        }
    }

    // Two rounds bring every kiosk up to date. A change stamped ahead (a kiosk
    // rebooted with its clock far ahead) is refused once as clock_ahead and
    // re-stamped for the next sync (PROTOCOL.md 3.1): a third round, which
    // must refuse nothing. checkConverged then finds any change a refusal lost.
    void heal() {
        for (int round = 0; round < 3; ++round) {
            for (auto& k : m_kiosks) {
                auto r = sync::syncNow(*k.store, *k.channel);
                RC_ASSERT(r.has_value());
                if (round == 2) RC_ASSERT(r->quarantined == 0);
            }
        }
    }

    sync::ServerCore& server() { return *m_server; }
    std::vector<Kiosk>& kiosks() { return m_kiosks; }
    int registered(const std::string& office) { return m_registered[office]; }

private:
    test::TempDir m_serverDir;
    std::unique_ptr<ManualClock> m_serverClock;
    std::unique_ptr<sync::ServerCore> m_server;
    sync::ServerCore* m_serverPtr = nullptr;
    std::vector<Kiosk> m_kiosks;
    std::map<std::string, int> m_registered;
};

std::string columnAsJson(Db& db, std::string_view table, const std::string& id, const std::string& column) {
    auto stmt = db.prepare(fmt::format("SELECT typeof({0}), {0} FROM {1} WHERE id = ?", column, table));
    RC_ASSERT(stmt.has_value());
    stmt->bind(1, id);
    auto row = stmt->step();
    RC_ASSERT(row.has_value());
    if (!*row) return "<missing record>";
    const std::string type = stmt->text(0);
    std::string out;
    if (type == "integer")
        out = nlohmann::json(stmt->integer(1)).dump();
    else if (type == "real")
        out = nlohmann::json(stmt->real(1)).dump();
    else if (type == "null")
        out = "null";
    else
        out = nlohmann::json(stmt->text(1)).dump();
    stmt->reset();
    return out;
}

void checkConverged(World& world) {
    auto& server = world.server();
    std::set<std::string> serverChanges;
    std::vector<nlohmann::json> serverLogs;
    for (const char* office : {"TUM", "LIM"}) {
        for (auto& c : test::serverLog(server, office)) {
            serverChanges.insert(c["id"].get<std::string>());
            serverLogs.push_back(std::move(c));
        }
    }
    for (auto& k : world.kiosks()) {
        const std::string office = k.store->session().officeCode;
        Db& db = k.store->db();
        // Nothing acknowledged (here: nothing at all, after healing) is missing on the server.
        auto pending = sync::pendingChanges(*k.store);
        RC_ASSERT(pending.has_value());
        RC_ASSERT(*pending == 0);
        auto ids = db.prepare("SELECT change_id FROM changes");
        RC_ASSERT(ids.has_value());
        while (true) {
            auto row = ids->step();
            RC_ASSERT(row.has_value());
            if (!*row) break;
            RC_ASSERT(serverChanges.count(ids->text(0)) == 1u);
        }
        // Every field the server holds for this office is on the kiosk with the same value...
        const auto state = test::serverState(server, office);
        std::set<std::pair<std::string, std::string>> serverRecords;
        for (const auto& [key, value] : state) {
            const auto& [entity, record, field] = key;
            serverRecords.insert({entity, record});
            const std::string local = columnAsJson(db, tableOf(entity), record, field);
            if (local != value)
                RC_FAIL(
                    fmt::format("{} {} {}: kiosk {} has {}, server {}", entity, record, field, office, local, value));
        }
        // ...and the kiosk holds no record the server does not have for its office.
        for (const char* entity : {"office", "staff", "person", "household", "case", "assistance", "referral",
                                   "referral_status", "note", "conflict"}) {
            auto stmt = db.prepare(fmt::format("SELECT id FROM {}", tableOf(entity)));
            RC_ASSERT(stmt.has_value());
            while (true) {
                auto row = stmt->step();
                RC_ASSERT(row.has_value());
                if (!*row) break;
                if (serverRecords.count({entity, stmt->text(0)}) != 1u)
                    RC_FAIL(fmt::format("kiosk of {} holds {} {} that is not in its office's scope", office, entity,
                                        stmt->text(0)));
            }
        }
    }
    // No duplicates: each registration is exactly one person on the server.
    for (const char* office : {"TUM", "LIM"}) {
        RC_ASSERT(test::serverRecords(server, "person", office) == world.registered(office));
    }
    // Every value that lost to a concurrent edit is kept as a conflict, once.
    struct Write {
        std::string clock, base, value;
    };
    std::map<std::tuple<std::string, std::string, std::string>, std::vector<Write>> writes;
    std::set<std::string> baseClocks;
    // Set fields: per (entity, record, field, code), the clocks that added it
    // and the add clocks removals saw.
    struct ElementHistory {
        std::vector<std::string> adds;
        std::vector<std::string> seenByRemovals;
    };
    std::map<std::tuple<std::string, std::string, std::string, std::string>, ElementHistory> elements;
    for (const auto& c : serverLogs) {
        if (c["entity"] == "conflict") continue;
        const std::string clock = c["hlc"].get<std::string>() + "@" + c["device"].get<std::string>();
        nlohmann::json fields = c["op"] == "delete" ? nlohmann::json{{"deleted", 1}} : c["fields"];
        const nlohmann::json base = c.value("base", nlohmann::json::object());
        const nlohmann::json sets = c.value("sets", nlohmann::json::object());
        for (const auto& [name, value] : fields.items()) {
            if (isSetColumn(c["entity"].get<std::string>(), name)) {
                const auto edit = sets.contains(name) ? decodeEdit(sets[name]) : additionsOf(value.get<std::string>());
                RC_ASSERT(edit.has_value());
                for (const auto& code : edit->added)
                    elements[{c["entity"], c["record"], name, code}].adds.push_back(clock);
                for (const auto& [code, seen] : edit->removed)
                    elements[{c["entity"], c["record"], name, code}].seenByRemovals.push_back(seen);
                continue;
            }
            const std::string b = base.value(name, std::string());
            writes[{c["entity"], c["record"], name}].push_back({clock, b, value.dump()});
            if (!b.empty())
                baseClocks.insert(
                    fmt::format("{}{}{}{}", c["entity"].get<std::string>(), c["record"].get<std::string>(), name, b));
        }
    }
    std::multiset<std::string> lostClocks;
    for (const auto& c : serverLogs) {
        if (c["entity"] != "conflict") continue;
        const auto& f = c["fields"];
        RC_ASSERT(f["lost_value"] != f["kept_value"]);
        // Set fields never conflict.
        RC_ASSERT(!isSetColumn(f["entity"].get<std::string>(), f["field"].get<std::string>()));
        lostClocks.insert(fmt::format("{}{}{}{}@{}", f["entity"].get<std::string>(), f["record_id"].get<std::string>(),
                                      f["field"].get<std::string>(), f["lost_hlc"].get<std::string>(),
                                      f["lost_device"].get<std::string>()));
    }
    for (const auto& lost : lostClocks) RC_ASSERT(lostClocks.count(lost) == 1u);
    // An element is in the merged set exactly when some addition of it was
    // seen by no removal; checked on the server (the kiosks equal it, above).
    const auto state = [&] {
        std::map<std::tuple<std::string, std::string, std::string>, std::string> all;
        for (const char* office : {"TUM", "LIM"})
            for (auto& [key, value] : test::serverState(server, office)) all[key] = value;
        return all;
    }();
    for (const auto& [key, history] : elements) {
        const auto& [entity, record, field, code] = key;
        const auto it = state.find({entity, record, field});
        RC_ASSERT(it != state.end());
        const auto codes = splitCodes(nlohmann::json::parse(it->second).get<std::string>());
        const bool present = std::find(codes.begin(), codes.end(), code) != codes.end();
        const bool unseenAddition = std::any_of(history.adds.begin(), history.adds.end(), [&](const std::string& a) {
            return std::none_of(history.seenByRemovals.begin(), history.seenByRemovals.end(),
                                [&](const std::string& seen) { return seen >= a; });
        });
        if (present != unseenAddition)
            RC_FAIL(fmt::format("{} {} {}: '{}' is {} but {}", entity, record, field, code,
                                present ? "present" : "absent",
                                unseenAddition ? "an addition of it was seen by no removal"
                                               : "every addition of it was removed knowingly"));
    }
    for (const auto& [key, list] : writes) {
        const auto& [entity, record, field] = key;
        const Write* winner = &list.front();
        for (const auto& w : list)
            if (w.clock > winner->clock) winner = &w;
        const std::string fieldKey = fmt::format("{}{}{}", entity, record, field);
        // A value is accounted for when someone replaced it knowingly or it is kept as a conflict.
        const auto accounted = [&](const Write& w) {
            return baseClocks.count(fieldKey + w.clock) > 0 || lostClocks.count(fieldKey + w.clock) > 0;
        };
        for (const auto& w : list) {
            if (&w == winner || w.value == winner->value || accounted(w)) continue;
            // Concurrent writes of the same value merge into one; it is enough that one of them is accounted for.
            const bool sameValueAccounted = std::any_of(list.begin(), list.end(), [&](const Write& other) {
                return other.value == w.value && accounted(other);
            });
            if (!sameValueAccounted)
                RC_FAIL(fmt::format("{} {} {}: the value written at {} was dropped without a conflict", entity, record,
                                    field, w.clock));
        }
    }
}

rc::Gen<Op> genOp() {
    return rc::gen::apply(
        [](int kind, int device, int target, int field, int value, int fault, int skew) {
            Op op;
            // Weighted: many writes and syncs, some restarts and crashes.
            static const Op::Kind kinds[] = {
                Op::Register,   Op::Register, Op::Edit,   Op::Edit,      Op::EditNeeds, Op::Delete,
                Op::Assist,     Op::Sync,     Op::Sync,   Op::Sync,      Op::Sync,      Op::RestartServer,
                Op::CrashKiosk, Op::SetClock, Op::Reboot, Op::EditNeeds, Op::EditNeeds, Op::Edit};
            op.kind = kinds[kind];
            op.device = device;
            op.target = target;
            op.field = field;
            op.value = value;
            static const ChannelFault faults[] = {ChannelFault::None, ChannelFault::None, ChannelFault::LoseRequest,
                                                  ChannelFault::LoseAnswer, ChannelFault::Duplicate};
            op.fault = faults[fault];
            op.skew = skew;
            return op;
        },
        rc::gen::inRange(0, 18), rc::gen::inRange(0, kDevices), rc::gen::inRange(0, 3), rc::gen::inRange(0, 3),
        rc::gen::inRange(0, 16), rc::gen::inRange(0, 5), rc::gen::inRange(0, kSkewCount));
}

}  // namespace

TEST_CASE("kiosks converge through the server under lost, duplicated and cut syncs and wrong clocks") {
    const bool ok = rc::check("convergence", [](void) {
        // Forty ops at most, each drawn at full size: inside resize(40) alone,
        // inRange would shrink too and never draw the kinds at the end of
        // genOp's table (restarts, crashes, clock changes, reboots).
        const auto ops =
            *rc::gen::resize(40, rc::gen::container<std::vector<Op>>(rc::gen::resize(rc::kNominalSize, genOp())));
        const auto skews = *rc::gen::resize(
            rc::kNominalSize, rc::gen::container<std::vector<int>>(kDevices, rc::gen::inRange(0, kSkewCount)));
        World world(test::kTestNowMs, skews);
        // Shared records first, so that random edits often touch the same fields concurrently.
        for (const Op& setup :
             {Op{Op::Register, 0, 0, 0, 0, ChannelFault::None}, Op{Op::Register, 1, 0, 0, 1, ChannelFault::None},
              Op{Op::Register, 3, 0, 0, 2, ChannelFault::None}})
            world.apply(setup);
        world.heal();
        for (const auto& op : ops) world.apply(op);
        world.heal();
        checkConverged(world);
    });
    CHECK(ok);
}
