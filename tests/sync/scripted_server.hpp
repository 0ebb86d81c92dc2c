#pragma once
// A hostile or broken "Chasqui server" for the client's tests: a real
// cpp-httplib server on 127.0.0.1 (a random port) in this process, whose
// routes each test scripts (wrong JSON types, endless pages, answers that
// trickle in). The kiosk's side under test is the real one: CurlTransport,
// HttpServerChannel, syncSpool, enrollDevice.
//
// Routes are registered before start(); handlers run on httplib's threads.
// The destructor releases every handler blocked in waitForRelease(), stops the
// server and joins its thread.
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include <doctest/doctest.h>

namespace chasqui::test {

class ScriptedServer {
public:
    ScriptedServer() { m_server.set_keep_alive_timeout(1); }
    ~ScriptedServer() {
        {
            std::lock_guard lock(m_mutex);
            m_released = true;
        }
        m_release.notify_all();
        if (m_thread.joinable()) {
            m_server.stop();
            m_thread.join();
        }
    }
    ScriptedServer(const ScriptedServer&) = delete;
    ScriptedServer& operator=(const ScriptedServer&) = delete;

    httplib::Server& http() { return m_server; }

    void start() {
        m_port = m_server.bind_to_any_port("127.0.0.1");
        REQUIRE(m_port > 0);
        // Listening already: connections queue in the backlog until this runs.
        m_thread = std::thread([this] { m_server.listen_after_bind(); });
        // httplib's stop() does nothing before the accept loop runs, so a
        // server stopped at once (a test that never sends) would never end:
        // wait for the loop (cpp-httplib 0.11 has no wait_until_ready).
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!m_server.is_running() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
        REQUIRE(m_server.is_running());
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

    // A JSON answer with `status` on `method path` (a regex, as httplib takes it).
    void answer(const std::string& method, const std::string& path, int status, std::string body) {
        auto handler = [status, body = std::move(body), this](const httplib::Request&, httplib::Response& res) {
            ++m_requests;
            res.status = status;
            // octet-stream: httplib would gzip a text type on its own.
            res.set_content(body, "application/octet-stream");
        };
        if (method == "GET")
            m_server.Get(path, handler);
        else
            m_server.Post(path, handler);
    }

    // Requests the scripted routes answered (and the custom ones that count).
    int requests() const { return m_requests.load(); }
    void countRequest() { ++m_requests; }

    // For a handler that must hold its connection until the test ends.
    // Returns false once the server is going away.
    bool waitForRelease(std::chrono::milliseconds step) {
        std::unique_lock lock(m_mutex);
        return !m_release.wait_for(lock, step, [this] { return m_released; });
    }

private:
    httplib::Server m_server;
    int m_port = 0;
    std::atomic<int> m_requests{0};
    std::mutex m_mutex;
    std::condition_variable m_release;
    bool m_released = false;
    std::thread m_thread;
};

}  // namespace chasqui::test
