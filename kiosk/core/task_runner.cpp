#include "kiosk/core/task_runner.hpp"

#include <future>

namespace chasqui::kiosk {

TaskRunner::TaskRunner(std::function<void()> wake) : m_wake(std::move(wake)), m_thread([this] { run(); }) {}

TaskRunner::~TaskRunner() {
    stop();
}

void TaskRunner::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        m_jobs.clear();
    }
    m_cv.notify_all();
    if (m_thread.joinable()) m_thread.join();
    std::deque<Continuation> done;  // destroyed outside the lock: a capture may own anything
    {
        std::lock_guard lock(m_mutex);
        done.swap(m_done);
    }
}

void TaskRunner::post(Job job) {
    {
        std::lock_guard lock(m_mutex);
        if (m_stop) return;
        m_jobs.push_back(std::move(job));
    }
    m_cv.notify_all();
}

void TaskRunner::runNow(Job job) {
    auto result = std::make_shared<std::promise<Continuation>>();
    std::future<Continuation> done = result->get_future();
    {
        std::lock_guard lock(m_mutex);
        if (m_stop) return;
        m_jobs.push_front([job = std::move(job), result]() -> Continuation {
            Continuation continuation;
            try {
                continuation = job();
            } catch (...) {  // NOLINT(bugprone-empty-catch): a job without a result, as in run()
            }
            result->set_value(std::move(continuation));
            return {};
        });
    }
    m_cv.notify_all();
    if (Continuation continuation = done.get()) continuation();
}

std::size_t TaskRunner::drain() {
    std::deque<Continuation> done;
    {
        std::lock_guard lock(m_mutex);
        done.swap(m_done);
    }
    for (auto& continuation : done)
        if (continuation) continuation();
    return done.size();
}

bool TaskRunner::busy() const {
    std::lock_guard lock(m_mutex);
    return m_running || !m_jobs.empty() || !m_done.empty();
}

std::size_t TaskRunner::queued() const {
    std::lock_guard lock(m_mutex);
    return m_jobs.size();
}

void TaskRunner::waitIdle() {
    std::unique_lock lock(m_mutex);
    m_idle.wait(lock, [this] { return !m_running && m_jobs.empty(); });
}

void TaskRunner::run() {
    for (;;) {
        Job job;
        {
            std::unique_lock lock(m_mutex);
            m_cv.wait(lock, [this] { return m_stop || !m_jobs.empty(); });
            if (m_stop) {
                m_idle.notify_all();
                return;
            }
            job = std::move(m_jobs.front());
            m_jobs.pop_front();
            m_running = true;
        }
        Continuation continuation;
        try {
            continuation = job();
        } catch (...) {  // NOLINT(bugprone-empty-catch): nothing may end the worker; the screen's generation drops it
        }
        {
            std::lock_guard lock(m_mutex);
            m_done.push_back(std::move(continuation));
            m_running = false;
        }
        m_idle.notify_all();
        if (m_wake) m_wake();
    }
}

}  // namespace chasqui::kiosk
