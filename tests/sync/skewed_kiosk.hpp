#pragma once
// Kiosks whose clocks are wrong, syncing in process with a ServerCore whose
// clock is the true time: the wall clock is the truth plus a skew that a test
// changes (a date set by hand, a flat battery), the boot clock counts true
// time since the last "reboot", and the store reads a TrustedClock over both,
// as the real kiosk does.
#include <memory>
#include <string>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "storage/base/trusted_clock.hpp"
#include "sync/client/device_keys.hpp"
#include "sync/client/kiosk_sync.hpp"
#include "tests/support/test_store.hpp"
#include "tests/sync/in_process_channel.hpp"

namespace chasqui::test {

class SkewedClock final : public storage::Clock {
public:
    SkewedClock(const storage::Clock& truth, std::int64_t skewMs) : m_truth(truth), m_skew(skewMs) {}
    std::int64_t nowMs() const override { return m_truth.nowMs() + m_skew; }
    void setSkew(std::int64_t skewMs) { m_skew = skewMs; }
    std::int64_t skew() const { return m_skew; }

private:
    const storage::Clock& m_truth;
    std::int64_t m_skew;
};

class FakeBootClock final : public storage::BootClock {
public:
    explicit FakeBootClock(const storage::Clock& truth) : m_truth(truth), m_bootAt(truth.nowMs()) {}
    std::int64_t bootMs() const override { return m_truth.nowMs() - m_bootAt; }
    std::string bootId() const override { return fmt::format("boot-{}", m_boots); }
    void reboot() {
        m_bootAt = m_truth.nowMs();
        ++m_boots;
    }

private:
    const storage::Clock& m_truth;
    std::int64_t m_bootAt;
    int m_boots = 0;
};

struct SkewedKiosk {
    SkewedKiosk(const storage::Clock& truth, std::int64_t skewMs)
        : wall(truth, skewMs), boot(truth), data(dir.path() / "kiosk"), clock(data, wall, boot) {}
    TempDir dir;
    SkewedClock wall;
    FakeBootClock boot;
    storage::DataDir data;
    storage::TrustedClock clock;
    std::unique_ptr<storage::PersonalStore> store;
    std::unique_ptr<InProcessChannel> channel;
    std::string login;

    // A restart of the kiosk program: the store is opened again.
    void signIn() {
        store.reset();
        clock.refresh();
        storage::StoreTuning tuning;
        tuning.durable = false;  // crash safety is the crash suite's job
        auto s = storage::PersonalStore::signIn(data, login, kAdminPin, clock, tuning);
        REQUIRE(s.has_value());
        store = std::move(*s);
    }
};

// A kiosk of `office` made (its first administrator signed in) and enrolled
// with the in-process server. It has not seen the server's time: a kiosk working
// before its enrollment, or after a restart whose clock changed meanwhile.
inline std::unique_ptr<SkewedKiosk> makeSkewedKiosk(sync::ServerCore*& server, const storage::Clock& truth,
                                                    const std::string& office, int number, std::int64_t skewMs) {
    auto k = std::make_unique<SkewedKiosk>(truth, skewMs);
    k->login = fmt::format("admin{}", number);
    storage::InitOptions init;
    init.officeCode = office;
    init.adminName = fmt::format("Admin {}", number);
    init.adminLogin = k->login;
    init.adminPin = kAdminPin;
    init.deviceNumber = number;
    init.kdf = storage::KdfParams::minimumForTests();
    REQUIRE(storage::PersonalStore::create(k->data, init, k->clock).has_value());
    k->signIn();
    auto code = server->issueEnrollCode(office);
    REQUIRE(code.has_value());
    auto keys = sync::devicePublicKeys(*k->store);
    REQUIRE(keys.has_value());
    auto enrolled = server->enroll(*code, k->store->session().deviceId, *keys);
    REQUIRE(enrolled.has_value());
    REQUIRE(sync::setServerPublicKey(*k->store, server->publicKey()).has_value());
    auto device = server->authenticate(enrolled->token);
    REQUIRE(device.has_value());
    k->channel = std::make_unique<InProcessChannel>(server, *device);
    return k;
}

}  // namespace chasqui::test
