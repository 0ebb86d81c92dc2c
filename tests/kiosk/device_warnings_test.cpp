// The kiosk's own warnings for staff on the sign-in screen and the sync
// panel: a clock that is off from the server's time (read from a real
// DIR/sync/clock.json sample, with the amount in words, in every language)
// and a disk running out of space; both checked every few seconds, not
// every frame; a sync run's sample of the server's time read when it ends.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "kiosk/core/translations.hpp"
#include "storage/base/trusted_clock.hpp"
#include "sync/client/device_link.hpp"
#include "sync/client/sync_worker.hpp"
#include "tests/kiosk/support/kiosk_fixture.hpp"
#include "tests/server/server_harness.hpp"

using namespace chasqui;
using kiosk::ScreenId;

namespace {

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

std::string tr(test::HeadlessKiosk& k, const char* key) {
    return k.app().i18n().tr(key);
}

// A sample of the server's clock as the sync thread leaves it: the server's
// time is `wallAheadBy` behind this machine's wall clock (the test's clock).
void writeSample(test::KioskFixture& f, std::int64_t wallAheadBy) {
    const storage::DataDir dir(f.setup.dataDir.root);
    REQUIRE(storage::saveServerTime(dir, f.setup.clock.nowMs() - wallAheadBy, f.setup.clock).has_value());
}

// The kiosk started again (it reads the sample when it starts).
void restart(test::KioskFixture& f) {
    f.kiosk.reset();
    f.kiosk = std::make_unique<test::HeadlessKiosk>(f.setup.dataDir.root, f.setup.clock);
}

void openSyncPanel(test::KioskFixture& f) {
    auto& k = *f.kiosk;
    REQUIRE(k.tap("home.supervisor"));
    REQUIRE(k.tap("super.sync"));
    k.settle();
    REQUIRE(k.screen() == ScreenId::SyncPanel);
}

}  // namespace

TEST_CASE(
    "device warnings: a clock two days ahead is said on the sign-in screen and the sync panel, in each language") {
    test::KioskFixture f;
    writeSample(f, 2 * kDay);
    restart(f);
    auto& k = *f.kiosk;
    REQUIRE(k.tap("welcome.staff"));
    REQUIRE(k.screen() == ScreenId::SignIn);
    CHECK(
        k.drewText("El reloj de este quiosco está adelantado 2 días respecto al servidor. Las fechas se toman de la "
                   "hora del servidor; pida a TI que ajuste el reloj."));
    k.app().i18n().setLanguage("en");
    k.frame();
    CHECK(
        k.drewText("This kiosk's clock is 2 days ahead of the server. Dates are taken from the server's time; ask "
                   "IT to set the clock."));
    for (const char* language : {"pt", "ht"}) {
        k.app().i18n().setLanguage(language);
        k.frame();
        CHECK_MESSAGE(
            k.drewText(kiosk::fill(tr(k, "device.clock_ahead"), {kiosk::fill(tr(k, "device.unit.days"), {"2"})})),
            language);
        CHECK(k.app().i18n().missingKeys().empty());
    }
    k.app().i18n().setLanguage("es");
    k.frame();
    CHECK(k.smallTargets().empty());

    f.signIn(test::kSupervisorLogin, test::kSupervisorPin);
    openSyncPanel(f);
    CHECK(k.drewText(kiosk::fill(tr(k, "device.clock_ahead"), {"2 días"})));
    // Work is dated by the server's time, not by the wall clock two days ahead.
    CHECK(k.trustedClock().nowMs() == f.setup.clock.nowMs() - 2 * kDay);
}

TEST_CASE("device warnings: a clock behind by hours and minutes; a clock within the tolerance says nothing") {
    test::KioskFixture f;
    writeSample(f, -(3 * kHour + 20 * kMinute));
    restart(f);
    auto& k = *f.kiosk;
    REQUIRE(k.tap("welcome.staff"));
    CHECK(k.drewText(kiosk::fill(tr(k, "device.clock_behind"), {"3 horas y 20 minutos"})));

    // Set right since: the next sample (seen at sign-in) has the wall clock
    // within a minute of the server's; the warning goes.
    writeSample(f, kMinute);
    f.signIn(test::kSupervisorLogin, test::kSupervisorPin);
    openSyncPanel(f);
    for (const char* key : {"device.clock_ahead", "device.clock_behind"}) {
        const std::string start = std::string(tr(k, key)).substr(0, 20);
        CHECK_FALSE(k.drewText(kiosk::fill(tr(k, key), {kiosk::fill(tr(k, "device.unit.minutes"), {"1"})})));
        for (const auto& text : k.probe().texts()) CHECK_MESSAGE(text.find(start) == std::string::npos, text);
    }
}

TEST_CASE("device warnings: a sample written while the kiosk runs is read at the next sign-in") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    REQUIRE(k.tap("welcome.staff"));
    CHECK_FALSE(k.drewText(kiosk::fill(tr(k, "device.clock_ahead"), {"1 día"})));
    writeSample(f, kDay + 30 * kMinute);  // as `chasqui sync` run beside the kiosk would
    f.signIn(test::kSupervisorLogin, test::kSupervisorPin);
    openSyncPanel(f);
    CHECK(k.drewText(kiosk::fill(tr(k, "device.clock_ahead"), {"1 día"})));  // the largest unit and the next
    REQUIRE(k.tap("nav.sign_out"));
    k.settle();
    if (k.screen() != ScreenId::SignIn) REQUIRE(k.tap("welcome.staff"));
    CHECK(k.drewText(kiosk::fill(tr(k, "device.clock_ahead"), {"1 día"})));
}

TEST_CASE(
    "device warnings: low disk space on both screens, the free space checked every few seconds, not every frame") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    int probes = 0;
    std::uint64_t freeBytes = 50ull * 1024 * 1024;
    k.app().deviceStatus().setDiskProbe([&](const storage::DataDir&) {
        ++probes;
        storage::DiskSpace space;
        space.known = true;
        space.freeBytes = freeBytes;
        space.totalBytes = 16ull * 1024 * 1024 * 1024;
        space.low = storage::isLowSpace(space.freeBytes, space.totalBytes);
        return space;
    });
    REQUIRE(k.tap("welcome.staff"));
    const std::string warning = kiosk::fill(tr(k, "device.disk_low"), {"50 MB"});
    CHECK(k.drewText(warning));
    CHECK(probes == 1);
    for (int i = 0; i < 120; ++i) k.frame();
    CHECK(probes == 1);  // two seconds of frames at 60 per second: not asked again

    freeBytes = 8ull * 1024 * 1024 * 1024;  // space freed
    f.setup.clock.advance(kiosk::DeviceStatus::kRefreshMs);
    k.frame();
    CHECK(probes == 2);
    k.frame();
    CHECK_FALSE(k.drewText(warning));

    freeBytes = 120ull * 1024 * 1024;
    f.setup.clock.advance(kiosk::DeviceStatus::kRefreshMs);
    f.signIn(test::kSupervisorLogin, test::kSupervisorPin);
    openSyncPanel(f);
    CHECK(k.drewText(kiosk::fill(tr(k, "device.disk_low"), {"120 MB"})));
    freeBytes = 300 * 1024;  // under a megabyte: said in kilobytes, not "0 MB"
    f.setup.clock.advance(kiosk::DeviceStatus::kRefreshMs);
    k.frame();
    k.frame();
    CHECK(k.drewText(kiosk::fill(tr(k, "device.disk_low"), {"300 KB"})));
}

TEST_CASE("device warnings: both at once at the largest text size stay readable on the sign-in screen") {
    test::KioskFixture f;
    writeSample(f, 2 * kDay);
    restart(f);
    auto& k = *f.kiosk;
    k.app().deviceStatus().setDiskProbe([](const storage::DataDir&) {
        return storage::DiskSpace{64ull * 1024 * 1024, 32ull * 1024 * 1024 * 1024, true, true};
    });
    REQUIRE(k.tap("welcome.size.2"));  // 150 %
    REQUIRE(k.tap("welcome.staff"));
    // Typing the login with the keyboard open leaves room for the two fields
    // only; the warnings come back with the PIN pad.
    REQUIRE(k.tap("signin.pin"));
    CHECK(k.drewText(kiosk::fill(tr(k, "device.clock_ahead"), {"2 días"})));
    CHECK(k.drewText(kiosk::fill(tr(k, "device.disk_low"), {"64 MB"})));
    CHECK(k.smallTargets().empty());
    CHECK(k.has("signin.pad.ok"));
    const auto ok = k.probe().find("signin.pad.ok");
    REQUIRE(ok.has_value());
    CHECK(ok->max.y <= 1080.f);  // the pad's last key still on the screen
    const auto warnings = k.probe().find("device.warnings");
    REQUIRE(warnings.has_value());
    CHECK(warnings->max.y <= 1080.f);  // both warnings whole, not cut at the bottom

    // And with a wrong PIN's message above them.
    REQUIRE(k.tap("signin.login"));
    k.type("luis.staff");
    REQUIRE(k.tap("signin.pin"));
    for (const char* key : {"signin.pad.1", "signin.pad.2", "signin.pad.ok"}) REQUIRE(k.tap(key));
    k.settle();
    REQUIRE(k.drewText(tr(k, "signin.error.wrong_left").substr(0, 10)));
    const auto after = k.probe().find("device.warnings");
    REQUIRE(after.has_value());
    CHECK(after->max.y <= 1080.f);
    CHECK(k.probe().find("signin.pad.ok")->max.y <= 1080.f);
}

TEST_CASE("device warnings: a sample of the server's time is read again when a sync run ends") {
    // A real server and a real sync worker. The sample is written by hand
    // while the supervisor looks at the sync panel (as `chasqui sync` run
    // beside the kiosk, or the sync thread, would leave it): nothing shows
    // until a run ends and the app reads the file again.
    test::TempDir tmp;
    const auto serverData = tmp.path() / "server";
    test::ServerProcess server(serverData);
    const auto code = test::runServer({"enroll-code", "--data", serverData.string(), "--office", "TUM"});
    REQUIRE_MESSAGE(code.exitCode == 0, code.err);
    kiosk::KioskConfig config;
    config.serverUrl = fmt::format("http://127.0.0.1:{}", server.port());
    test::KioskFixture f(config);
    auto& k = *f.kiosk;
    f.signIn(test::kSupervisorLogin, test::kSupervisorPin);
    REQUIRE(k.tap("home.supervisor"));
    REQUIRE(k.tap("super.enroll"));
    k.settle();
    REQUIRE(k.tap("enroll.code"));
    k.type(test::trimmed(code.out));
    if (k.has("kb.done")) REQUIRE(k.tap("kb.done"));
    REQUIRE(k.tap("enroll.submit"));
    REQUIRE(sync::loadDeviceLink(storage::DataDir(f.setup.dataDir.root)).has_value());
    REQUIRE(k.tap("nav.back"));
    REQUIRE(k.tap("super.sync"));
    k.settle();
    const auto warned = [&] {
        for (const char* key : {"device.clock_ahead", "device.clock_behind"}) {
            const std::string start = std::string(tr(k, key)).substr(0, 30);
            for (const auto& text : k.probe().texts())
                if (text.rfind(start, 0) == 0) return true;
        }
        return false;
    };
    writeSample(f, 2 * kDay);
    f.setup.clock.advance(kiosk::DeviceStatus::kRefreshMs);
    k.frame();
    CHECK_FALSE(warned());  // not read yet: no sign-in, no sync run since

    k.app().setSyncWorker(std::make_unique<sync::SyncWorker>(storage::DataDir(f.setup.dataDir.root),
                                                             sync::httpConnectionFactory(), f.setup.clock));
    bool synced = false;
    for (int i = 0; i < 600 && !synced; ++i) {
        const sync::SyncStatus s = k.app().syncWorker()->status();
        synced = s.lastSuccessMs > 0 && s.state == sync::SyncState::Idle;
        if (!synced) std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling a real server's run
        k.frame();
    }
    REQUIRE(synced);
    k.frame();
    CHECK(warned());
    const auto now = k.probe().find("sync.now");
    REQUIRE(now.has_value());
    CHECK(now->max.y <= 1080.f);  // the warning leaves "sync now" on the screen
}
