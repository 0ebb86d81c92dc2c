#include "kiosk/core/task_runner.hpp"

namespace chasqui::kiosk {

TaskRunner::TaskRunner(std::function<void()> wake) : m_wake(std::move(wake)), m_thread([this] { run(); }) {}

TaskRunner::~TaskRunner() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        m_jobs.clear();
    }
    m_cv.notify_all();
    m_thread.join();
}

void TaskRunner::post(Job job) {
    {
        std::lock_guard lock(m_mutex);
        m_jobs.push_back(std::move(job));
    }
    m_cv.notify_all();
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
        Continuation continuation = job();
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
