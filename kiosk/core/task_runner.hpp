#pragma once
// Slow work off the UI thread. post() queues a job for the one worker thread;
// the job returns a continuation that drain() runs on the UI thread at the
// start of the next frame. One worker, so everything that touches the
// personal-data store (which is single-threaded) runs in order on it.
// `wake` is called from the worker after each job (glfwPostEmptyEvent in the
// window, nothing in headless tests) so the UI draws the result at once.

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
    ~TaskRunner();  // finishes the running job, drops queued ones, joins
    TaskRunner(const TaskRunner&) = delete;
    TaskRunner& operator=(const TaskRunner&) = delete;

    void post(Job job);              // any thread
    std::size_t drain();             // UI thread: runs finished continuations
    bool busy() const;               // a job queued or running, or a result not drained
    void waitIdle();                 // tests and shutdown: until nothing is queued or running

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
