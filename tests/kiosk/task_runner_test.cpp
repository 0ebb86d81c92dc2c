// The worker that runs slow jobs off the UI thread: runNow jumps the queue
// (the lock's sign-out), and a job that throws does not end the thread.
#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "kiosk/core/task_runner.hpp"

using chasqui::kiosk::TaskRunner;

TEST_CASE("task runner: runNow runs after the job in progress and before everything queued") {
    TaskRunner runner;
    std::mutex mutex;
    std::condition_variable cv;
    bool started = false;
    bool released = false;
    std::string order;  // written on the worker only, read after waitIdle
    runner.post([&]() -> TaskRunner::Continuation {
        std::unique_lock lock(mutex);
        started = true;
        cv.notify_all();
        cv.wait(lock, [&] { return released; });
        order += "running,";
        return {};
    });
    {
        std::unique_lock lock(mutex);
        cv.wait(lock, [&] { return started; });
    }
    runner.post([&]() -> TaskRunner::Continuation {
        order += "queued,";
        return {};
    });
    bool continued = false;
    // Released once runNow has put its job in the queue beside the queued one.
    std::thread release([&] {
        while (runner.queued() < 2) std::this_thread::yield();
        std::lock_guard lock(mutex);
        released = true;
        cv.notify_all();
    });
    runner.runNow([&]() -> TaskRunner::Continuation {
        order += "now,";
        return [&] { continued = true; };
    });
    release.join();
    CHECK(continued);  // its continuation ran on this thread before runNow returned
    runner.waitIdle();
    CHECK(order == "running,now,queued,");
}

TEST_CASE("task runner: a job that throws gives no result and the worker goes on") {
    TaskRunner runner;
    runner.post([]() -> TaskRunner::Continuation { throw std::runtime_error("boom"); });
    bool ran = false;
    runner.runNow([]() -> TaskRunner::Continuation { throw std::bad_alloc(); });
    runner.post([&]() -> TaskRunner::Continuation { return [&] { ran = true; }; });
    runner.waitIdle();
    runner.drain();
    CHECK(ran);
}

TEST_CASE("task runner: stop drops results not drained, and later work is ignored") {
    TaskRunner runner;
    bool continuationRan = false;
    runner.post([&]() -> TaskRunner::Continuation { return [&] { continuationRan = true; }; });
    runner.waitIdle();
    runner.stop();
    CHECK(runner.drain() == 0);  // the finished job's result went with the runner
    CHECK_FALSE(continuationRan);
    bool late = false;
    runner.post([&]() -> TaskRunner::Continuation {
        late = true;
        return {};
    });
    runner.runNow([&]() -> TaskRunner::Continuation {
        late = true;
        return {};
    });
    CHECK_FALSE(late);
    CHECK_FALSE(runner.busy());
    runner.stop();  // idempotent
}
