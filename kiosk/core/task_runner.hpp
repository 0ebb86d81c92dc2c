#pragma once
// Slow work off the UI thread. post() queues a job for the one worker thread;
// the job returns a continuation that drain() runs on the UI thread at the
// start of the next frame. One worker, so everything that touches the
// personal-data store (which is single-threaded) runs in order on it.
// `wake` is called from the worker after each job (glfwPostEmptyEvent in the
// window, nothing in headless tests) so the UI draws the result at once.
// The app has two runners: the store's (every job that touches the personal-
// data store; short, local work) and the network's (jobs that wait on a
// server and never touch the store), so closing the store at the inactivity
// lock never waits for a server. A job that throws is caught and counts as a
// job without a result.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace chasqui::kiosk {

class TaskRunner {
public:
    using Continuation = std::function<void()>;
    using Job = std::function<Continuation()>;

    explicit TaskRunner(std::function<void()> wake = {});
    ~TaskRunner();  // stop()
    TaskRunner(const TaskRunner&) = delete;
    TaskRunner& operator=(const TaskRunner&) = delete;

    void post(Job job);  // any thread
    // UI thread: runs `job` on the worker ahead of everything queued, waits
    // for it (and so for the job now running) and runs its continuation at
    // once. For the sign-out at the lock, which must not wait behind queued work.
    void runNow(Job job);
    std::size_t drain();         // UI thread: runs finished continuations
    bool busy() const;           // a job queued or running, or a result not drained
    std::size_t queued() const;  // jobs waiting, not counting the one running (tests)
    void waitIdle();             // tests and shutdown: until nothing is queued or running
    // UI thread: finishes the running job, drops queued jobs and results not
    // drained, joins the thread. After it post() drops its job and runNow()
    // does nothing. The kiosk stops its runners before its screens go, so no
    // job outlives the screen it was posted for. Idempotent.
    void stop();

private:
    void run();

    std::function<void()> m_wake;
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::condition_variable m_idle;
    std::deque<Job> m_jobs;
    std::deque<Continuation> m_done;
    bool m_running = false;
    bool m_stop = false;
    std::thread m_thread;
};

}  // namespace chasqui::kiosk
