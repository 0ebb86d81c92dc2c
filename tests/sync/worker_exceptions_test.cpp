// Nothing may leave the sync worker's thread as an exception (that would be
// std::terminate: the kiosk gone, mid-shift). A connection factory throwing
// something that is not a std::exception, and a status callback that throws,
// are each one failed run, retried with backoff; the thread goes on.
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "storage/base/clock.hpp"
#include "sync/client/device_link.hpp"
#include "sync/client/sync_worker.hpp"
#include "tests/support/test_store.hpp"

namespace chasqui::sync {
namespace {

using namespace std::chrono_literals;

TEST_CASE("a factory and a change callback that throw do not end the sync worker's thread") {
    test::TempDir tmp;
    const storage::DataDir dir(tmp.path() / "kiosk");
    REQUIRE(saveDeviceLink(dir, {"http://127.0.0.1:1", "tok_abcdefghijklmnop", 1, "TUM"}).has_value());
    std::mutex mutex;
    std::condition_variable changed;
    int made = 0;
    const ConnectionFactory throwing = [&](const DeviceLink&) -> std::unique_ptr<SyncConnection> {
        {
            std::lock_guard lock(mutex);
            ++made;
        }
        throw 42;  // not a std::exception
    };
    storage::SystemClock clock;
    SyncWorkerOptions options;
    options.backoffBase = 5ms;
    options.backoffCap = 10ms;
    options.backoffSeed = 7;
    SyncWorker worker(dir, throwing, clock, options);
    worker.setOnChange([&] {
        changed.notify_all();
        throw std::runtime_error("the window that wanted to know is gone");
    });
    worker.start();
    {
        std::unique_lock lock(mutex);
        const bool retried = changed.wait_for(lock, 30s, [&] { return made >= 3; });
        REQUIRE(retried);
    }
    const SyncStatus status = worker.status();
    worker.stop();
    CHECK(worker.status().state == SyncState::Stopped);
    REQUIRE(status.lastError.has_value());
    CHECK(*status.lastError == SyncErrorCode::Internal);
    CHECK(test::has(status.lastErrorMessage, "unexpected error"));
    CHECK(status.failedAttempts >= 2);
}

}  // namespace
}  // namespace chasqui::sync
