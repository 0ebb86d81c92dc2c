// The inactivity lock against a job that waits on a server: the store is
// closed and the key wiped in the frame the lock fires, and the answer that
// comes later writes nothing then (it is applied whole at the next sign-in).
#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "storage/db/meta_table.hpp"
#include "storage/keys/key_wrap.hpp"
#include "storage/keys/keyring.hpp"
#include "sync/client/device_link.hpp"
#include "tests/kiosk/support/kiosk_fixture.hpp"

using namespace chasqui;
using kiosk::ScreenId;

namespace {

// A server whose enrollment answer is held until release(): a real socket,
// a real HTTP exchange, as slow as the test wants without sleeping. The
// answer it then gives is a valid one, so a kiosk that still applied it
// would end up enrolled.
class HeldEnrollServer {
public:
    HeldEnrollServer() {
        m_server.Post("/v1/enroll", [this](const httplib::Request&, httplib::Response& res) {
            std::unique_lock lock(m_mutex);
            m_arrived = true;
            m_cv.notify_all();
            m_cv.wait(lock, [this] { return m_released; });
            const std::string key(32, '\x07');
            const nlohmann::json answer = {
                {"device_number", 7},
                {"office", "TUM"},
                {"device_token", "held-token-0123456789abcdef0123456789abcdef"},
                {"server_public_key",
                 storage::toBase64(reinterpret_cast<const unsigned char*>(key.data()), key.size())}};
            res.set_content(answer.dump(), "application/json");
            m_answered = true;
        });
        m_port = m_server.bind_to_any_port("127.0.0.1");  // listening from here: connections queue until accepted
        m_thread = std::thread([this] { m_server.listen_after_bind(); });
    }
    ~HeldEnrollServer() {
        release();
        m_server.stop();
        m_thread.join();
    }
    HeldEnrollServer(const HeldEnrollServer&) = delete;
    HeldEnrollServer& operator=(const HeldEnrollServer&) = delete;

    std::string url() const { return fmt::format("http://127.0.0.1:{}", m_port); }
    void waitForRequest() {
        std::unique_lock lock(m_mutex);
        m_cv.wait(lock, [this] { return m_arrived; });
    }
    void release() {
        {
            std::lock_guard lock(m_mutex);
            m_released = true;
        }
        m_cv.notify_all();
    }
    bool answered() {
        std::lock_guard lock(m_mutex);
        return m_answered;
    }

private:
    httplib::Server m_server;
    int m_port = 0;
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_arrived = false;
    bool m_released = false;
    bool m_answered = false;
};

}  // namespace

TEST_CASE(
    "lock: an enrollment waiting on the server does not hold the store open; its late answer waits for the next "
    "sign-in") {
    HeldEnrollServer server;
    kiosk::KioskConfig config;
    config.serverUrl = server.url();
    test::KioskFixture f(config);
    auto& k = *f.kiosk;
    const storage::DataDir dir(f.setup.dataDir.root);
    auto keyringBefore = storage::loadKeyring(dir.keyring());
    REQUIRE(keyringBefore.has_value());
    const auto storedNumber = [&f] {
        f.setup.reopen();
        auto value = storage::readMeta(f.setup.store->db(), "device_number");
        f.setup.store.reset();
        REQUIRE(value.has_value());
        return *value;
    };
    const std::string numberBefore = storedNumber();

    f.signIn(test::kSupervisorLogin, test::kSupervisorPin);
    REQUIRE(k.tap("home.supervisor"));
    REQUIRE(k.tap("super.enroll"));
    k.settle();
    REQUIRE(k.screen() == ScreenId::Enrollment);
    REQUIRE(k.tap("enroll.code"));
    k.type("HELD1-23456");
    if (k.has("kb.done")) REQUIRE(k.tap("kb.done"));
    REQUIRE(k.press("enroll.submit"));
    server.waitForRequest();  // the kiosk is now waiting on the server
    k.frame();
    CHECK(k.app().personalDataInMemory());

    f.expireSession();  // the lock fires while the answer is still held
    CHECK_FALSE(k.app().session().signedIn);
    CHECK_MESSAGE(!k.app().personalDataInMemory(), "still held by: " << f.screenHoldingPersonalData());
    k.frame();
    CHECK(k.screen() == ScreenId::Welcome);

    // The server answers now, with a valid enrollment: nothing is written now.
    server.release();
    k.app().networkTasks().waitIdle();
    k.settle();
    CHECK(server.answered());
    CHECK_FALSE(k.app().personalDataInMemory());
    CHECK(k.screen() == ScreenId::Welcome);
    CHECK_FALSE(sync::loadDeviceLink(dir).has_value());
    auto keyringAfter = storage::loadKeyring(dir.keyring());
    REQUIRE(keyringAfter.has_value());
    CHECK(keyringAfter->deviceNumber == keyringBefore->deviceNumber);
    CHECK(storedNumber() == numberBefore);

    // The server did enroll this kiosk: the answer, kept whole, is applied at
    // the next sign-in (any staff member's), not lost to an "already enrolled".
    f.signIn(test::kStaffLogin, test::kStaffPin);
    REQUIRE(k.app().session().signedIn);
    auto link = sync::loadDeviceLink(dir);
    REQUIRE(link.has_value());
    CHECK(link->deviceNumber == 7);
    CHECK(link->serverUrl == server.url());
    REQUIRE(k.tap("nav.sign_out"));
    k.settle();
    CHECK(storedNumber() == "7");
    CHECK(storage::loadKeyring(dir.keyring())->deviceNumber == 7);
    CHECK_FALSE(k.app().personalDataInMemory());
}
