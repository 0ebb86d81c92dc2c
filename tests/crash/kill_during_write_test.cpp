// A writer process killed with SIGKILL at random points, many times: the store
// always opens, passes its integrity check, and every write the writer had
// reported committed is there with its audit entry and change record.
// Iterations: CHASQUI_CRASH_ITERATIONS (default 200).
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>

#include <fmt/core.h>

#include "storage/demo/demo_population.hpp"
#include "storage/keys/keyring.hpp"
#include "storage/records/case_repository.hpp"
#include "storage/records/integrity.hpp"
#include "storage/records/person_repository.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui;
using namespace chasqui::storage;

namespace {

// Child: registers people (person + case + assistance in one transaction) and
// writes one byte to `pipe` after each commit, until killed.
[[noreturn]] void writerLoop(const DataDir& dir, int pipe, std::uint64_t seed) {
    SystemClock clock;
    auto store = PersonalStore::signIn(dir, test::kAdminLogin, test::kAdminPin, clock);
    if (!store) _exit(3);
    demo::PersonGenerator people(seed, (*store)->today());
    PersonRepository persons(**store);
    CaseRepository cases(**store);
    for (;;) {
        auto r = (*store)->writeVoid([&](RecordWriter& w) -> Result<void> {
            auto p = persons.add(w, people.next());
            if (!p) return std::unexpected(p.error());
            Case c;
            c.personId = p->id;
            c.officeId = (*store)->session().officeId;
            c.openedDate = (*store)->today();
            auto caseId = cases.open(w, c);
            if (!caseId) return std::unexpected(caseId.error());
            Assistance a{{},
                         *caseId,
                         (*store)->today(),
                         "food_security",
                         "food_kit",
                         1,
                         "kit",
                         (*store)->session().officeId,
                         (*store)->session().staffId};
            auto aid = cases.recordAssistance(w, a);
            if (!aid) return std::unexpected(aid.error());
            return {};
        });
        if (!r) _exit(4);
        const char byte = 1;
        if (::write(pipe, &byte, 1) != 1) _exit(5);
    }
}

std::int64_t count(PersonalStore& s, const char* sql) {
    auto n = s.db().scalarInt(sql);
    REQUIRE(n);
    return *n;
}

}  // namespace

TEST_CASE("kill -9 at random points while writing never loses or half-writes a transaction") {
    const int iterations = test::envInt("CHASQUI_CRASH_ITERATIONS", 200);
    test::TestStore t;
    t.store.reset();
    std::mt19937_64 rng(static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
    std::int64_t acknowledged = 0;
    for (int i = 0; i < iterations; ++i) {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        const pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            ::close(fds[0]);
            writerLoop(t.dataDir, fds[1], static_cast<std::uint64_t>(i) * 7919u + 1);
        }
        ::close(fds[1]);
        // Let the child commit k transactions (k = 0 kills it during sign-in),
        // then kill it at a random moment of the next one.
        const int k = std::uniform_int_distribution<int>(0, 12)(rng);
        int seen = 0;
        char buffer[64];
        while (seen < k) {
            const ssize_t n =
                ::read(fds[0], buffer, std::min<std::size_t>(sizeof buffer, static_cast<std::size_t>(k - seen)));
            if (n <= 0) break;
            seen += static_cast<int>(n);
        }
        const auto spin = std::chrono::microseconds(std::uniform_int_distribution<int>(0, 3000)(rng));
        const auto until = std::chrono::steady_clock::now() + spin;
        while (std::chrono::steady_clock::now() < until) {
        }
        ::kill(child, SIGKILL);
        int status = 0;
        ::waitpid(child, &status, 0);
        // Bytes still in the pipe are commits the child finished before dying.
        for (;;) {
            const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
            if (n <= 0) break;
            seen += static_cast<int>(n);
        }
        ::close(fds[0]);
        CAPTURE(i);
        CAPTURE(k);
        REQUIRE_MESSAGE(WIFSIGNALED(status), "the writer exited by itself with status ", WEXITSTATUS(status));
        acknowledged += seen;

        // The keyring survived (written atomically), and the store opens.
        REQUIRE(loadKeyring(t.dataDir.keyring()));
        auto reopened = PersonalStore::signIn(t.dataDir, test::kAdminLogin, test::kAdminPin, t.clock);
        REQUIRE_MESSAGE(reopened, reopened.error().message);
        PersonalStore& s = **reopened;
        auto integrity = checkIntegrity(s);
        REQUIRE(integrity);
        CHECK(integrity->databaseOk);
        CHECK(integrity->auditProblems.empty());
        CHECK(integrity->recordsWithoutChange == 0);
        const std::int64_t persons = count(s, "SELECT count(*) FROM persons");
        // Nothing acknowledged is lost; at most one unacknowledged commit more.
        CHECK(persons >= acknowledged);
        CHECK(persons <= acknowledged + i + 1);
        acknowledged = persons;
        // All or nothing: each person has exactly its case and assistance.
        CHECK(count(s, "SELECT count(*) FROM cases") == persons);
        CHECK(count(s, "SELECT count(*) FROM assistance") == persons);
        CHECK(count(s, "SELECT count(*) FROM changes WHERE entity IN ('person','case','assistance')") == 3 * persons);
        CHECK(
            count(s,
                  "SELECT count(*) FROM audit WHERE action = 'create' AND entity IN ('person','case','assistance')") ==
            3 * persons);
        CHECK(count(s, "SELECT count(*) FROM person_search") == persons);
        auto seq = s.db().scalarInt("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'case_seq'");
        REQUIRE(seq);
        CHECK(*seq == persons);
    }
    MESSAGE(fmt::format("crash loop: {} kills, {} transactions committed and intact", iterations, acknowledged));
}
