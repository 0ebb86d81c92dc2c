// The admin CLI as scripts use it: a real `chasqui` process, real files, exit codes.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/core.h>

#include "storage/base/sqlite_db.hpp"
#include "storage/keys/keyring.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui;
using chasqui::test::has;
namespace fs = std::filesystem;

namespace {

struct Run {
    int exitCode = -1;
    std::string out;
    std::string err;
};

class Cli {
public:
    Cli() {
        m_data = (m_tmp.path() / "kiosk").string();
        writeFile("admin.pin", "24681357\n");
        writeFile("staff.pin", "73914682\n");
        writeFile("wrong.pin", "11112222\n");
        writeFile("weak.pin", "123456\n");
    }
    std::string path(const std::string& name) const { return (m_tmp.path() / name).string(); }
    const std::string& data() const { return m_data; }
    void writeFile(const std::string& name, const std::string& content) const {
        std::ofstream(path(name), std::ios::binary) << content;
    }
    Run run(const std::string& args) const {
        const std::string out = path("stdout.txt"), err = path("stderr.txt");
        const std::string cmd = fmt::format("{}/chasqui {} >{} 2>{} </dev/null", CHASQUI_BIN_DIR, args, out, err);
        const int status = std::system(cmd.c_str());
        Run r;
        r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        r.out = test::readBytes(out);
        r.err = test::readBytes(err);
        return r;
    }
    Run init() const {
        return run(fmt::format("init --data {} --office TUM --admin-name 'Ana Quispe' --pin-file {}", m_data,
                               path("admin.pin")));
    }
    std::string auth(const std::string& pin = "admin.pin") const {
        return fmt::format("--data {} --pin-file {}", m_data, path(pin));
    }

private:
    test::TempDir m_tmp;
    std::string m_data;
};

}  // namespace

TEST_CASE("init creates a data directory once; status shows it without personal data") {
    Cli cli;
    Run r = cli.init();
    CHECK(r.exitCode == 0);
    CHECK(has(r.out, "ana.quispe"));
    CHECK(fs::exists(fs::path(cli.data()) / "personal.db"));
    Run again = cli.init();
    CHECK(again.exitCode == 5);
    CHECK(has(again.err, "already"));
    Run status = cli.run("status --data " + cli.data());
    CHECK(status.exitCode == 0);
    CHECK(has(status.out, "Office TUM"));
}

TEST_CASE("usage errors exit 2 and say what to do") {
    Cli cli;
    CHECK(cli.run("").exitCode == 2);
    Run r = cli.run("init --office TUM");
    CHECK(r.exitCode == 2);
    CHECK(has(r.err, "--data"));
    CHECK(cli.run("frobnicate").exitCode == 2);
}

TEST_CASE("secrets come from files: a weak PIN, a missing PIN file and a wrong PIN have their own errors") {
    Cli cli;
    Run weak = cli.run(fmt::format("init --data {} --office TUM --admin-name 'Ana Quispe' --pin-file {}", cli.data(),
                                   cli.path("weak.pin")));
    CHECK(weak.exitCode == 5);
    CHECK(has(weak.err, "PIN"));
    CHECK_FALSE(fs::exists(fs::path(cli.data()) / "keyring.json"));
    REQUIRE(cli.init().exitCode == 0);
    Run missing = cli.run(fmt::format("status --data {} --pin-file {}", cli.data(), cli.path("nope.pin")));
    CHECK(missing.exitCode == 1);
    CHECK(has(missing.err, "PIN file"));
    Run wrong = cli.run("status " + cli.auth("wrong.pin"));
    CHECK(wrong.exitCode == 3);
    CHECK(has(wrong.err, "wrong PIN"));
    Run invalidOffice = cli.run(fmt::format("init --data {}/x --office tumbes --admin-name 'Ana' --pin-file {}",
                                            cli.data(), cli.path("admin.pin")));
    CHECK(invalidOffice.exitCode == 5);
    CHECK(has(invalidOffice.err, "3 capital letters"));
}

TEST_CASE("staff add, list, reset-pin and disable") {
    Cli cli;
    REQUIRE(cli.init().exitCode == 0);
    Run add = cli.run(fmt::format("staff add {} --name 'Rosa Huamán' --role staff --new-pin-file {}", cli.auth(),
                                  cli.path("staff.pin")));
    CHECK(add.exitCode == 0);
    CHECK(has(add.out, "rosa.huaman"));
    Run list = cli.run("staff list " + cli.auth());
    CHECK(list.exitCode == 0);
    CHECK(has(list.out, "rosa.huaman"));
    CHECK(has(list.out, "active"));
    // Rosa (staff) may not add accounts.
    Run denied =
        cli.run(fmt::format("staff add --data {} --user rosa.huaman --pin-file {} --name 'X Y' --role admin "
                            "--new-pin-file {}",
                            cli.data(), cli.path("staff.pin"), cli.path("admin.pin")));
    CHECK(denied.exitCode == 3);
    CHECK(cli.run(fmt::format("staff reset-pin {} --login rosa.huaman --new-pin-file {}", cli.auth(),
                              cli.path("weak.pin")))
              .exitCode == 5);
    CHECK(cli.run(fmt::format("staff disable {} --login rosa.huaman", cli.auth())).exitCode == 0);
    Run after =
        cli.run(fmt::format("status --data {} --user rosa.huaman --pin-file {}", cli.data(), cli.path("staff.pin")));
    CHECK(after.exitCode == 3);
    Run listed = cli.run("staff list " + cli.auth());
    CHECK(has(listed.out, "disabled"));
}

TEST_CASE("catalog import validates with line numbers and keeps the old catalog on error") {
    Cli cli;
    REQUIRE(cli.init().exitCode == 0);
    const std::string demo = std::string(CHASQUI_ASSETS_DIR) + "/catalog/demo_catalog.json";
    Run ok = cli.run(fmt::format("catalog import {} {}", demo, cli.auth()));
    CHECK(ok.exitCode == 0);
    CHECK(has(ok.out, "Imported"));
    cli.writeFile("bad.json",
                  "{\"format\": \"chasqui-catalog\", \"format_version\": 1,\n \"services\": [\n  {\"id\": \"x\"\n");
    Run bad = cli.run(fmt::format("catalog import {} {}", cli.path("bad.json"), cli.auth()));
    CHECK(bad.exitCode == 5);
    CHECK(has(bad.err, "line"));
    Run show = cli.run("catalog show --data " + cli.data());
    CHECK(show.exitCode == 0);
    CHECK(has(show.out, "health"));
    CHECK(has(show.out, "28 services"));
    // Only supervisors and administrators publish a catalog.
    REQUIRE(
        cli.run(fmt::format("staff add {} --name 'Rosa Huamán' --new-pin-file {}", cli.auth(), cli.path("staff.pin")))
            .exitCode == 0);
    Run denied = cli.run(fmt::format("catalog import {} --data {} --user rosa.huaman --pin-file {}", demo, cli.data(),
                                     cli.path("staff.pin")));
    CHECK(denied.exitCode == 3);
}

TEST_CASE("demo data, search, the monthly report and verify") {
    Cli cli;
    Run demo = cli.run(fmt::format("demo --data {} --pin-file {} --persons 60", cli.data(), cli.path("admin.pin")));
    REQUIRE(demo.exitCode == 0);
    CHECK(has(demo.out, "60 persons"));
    Run status = cli.run("status " + cli.auth());
    CHECK(status.exitCode == 0);
    CHECK(has(status.out, "Persons"));
    Run search = cli.run("search " + cli.auth() + " TUM-01-00001");
    CHECK(search.exitCode == 0);
    CHECK(has(search.out, "TUM-01-00001"));
    // The demo's assistance dates fall in the last five months.
    storage::SystemClock clock;
    const std::string month = storage::isoDate(clock.nowMs()).substr(0, 7);
    Run report = cli.run(fmt::format("report {} --month {}", cli.auth(), month));
    CHECK(report.exitCode == 0);
    CHECK(report.out.starts_with("month,office,district,sector,sex,age_group,nationality,population_type,"));
    Run toFile = cli.run(fmt::format("report {} --month {} --out {}", cli.auth(), month, cli.path("r.csv")));
    CHECK(toFile.exitCode == 0);
    CHECK(test::readBytes(cli.path("r.csv")) == report.out);
    CHECK(cli.run(fmt::format("report {} --month 2025-13", cli.auth())).exitCode == 5);
    Run verify = cli.run("verify " + cli.auth());
    CHECK(verify.exitCode == 0);
    CHECK(has(verify.out, "chain intact"));
}

TEST_CASE("verify exits 4 when the audit log was tampered with") {
    Cli cli;
    REQUIRE(cli.init().exitCode == 0);
    REQUIRE(
        cli.run(fmt::format("demo --data {} --pin-file {} --persons 5", cli.data(), cli.path("admin.pin"))).exitCode ==
        0);
    {
        // Someone with the data key edits the audit trail directly.
        storage::DataDir dir(cli.data());
        auto keyring = storage::loadKeyring(dir.keyring());
        REQUIRE(keyring);
        auto secret = storage::loadDeviceSecret(dir);
        REQUIRE(secret);
        const auto* cred = keyring->find("ana.quispe");
        REQUIRE(cred != nullptr);
        auto key = storage::unwrapDataKey(cred->wrap, "24681357", *secret, cred->staffId);
        REQUIRE(key);
        storage::OpenOptions options;
        options.rawKey = &*key;
        auto db = storage::Db::open(dir.personalDb().string(), options);
        REQUIRE(db);
        REQUIRE(db->exec("UPDATE audit SET action = 'view' WHERE seq = 3"));
    }
    Run verify = cli.run("verify " + cli.auth());
    CHECK(verify.exitCode == 4);
    CHECK(has(verify.out, "CHAIN BROKEN"));
    CHECK(has(verify.err, "backup"));
}
