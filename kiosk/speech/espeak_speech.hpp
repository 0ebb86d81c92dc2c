#pragma once
// Speech with Debian's espeak-ng, offline. One thread of its own (the speech
// thread) owns the library: it initializes espeak-ng, then waits for
// requests; speak() and stop() only leave a request for it and return, so the
// UI frame never waits on synthesis or audio. Only the newest request
// matters: a request that arrives while another is being read interrupts it
// (playback: espeak-ng's cancel; memory: the synthesis callback stops it).
//
// Two outputs:
// - Playback: espeak-ng plays on the default audio device itself
//   (AUDIO_OUTPUT_PLAYBACK; its own playback thread).
// - Memory: 16-bit mono samples handed to a PcmSink on the speech thread as
//   they are made (synchronous synthesis); what the tests listen to.
//
// When espeak-ng cannot start (no voice data) or has no audio device, the
// kiosk does not speak: one line goes to stderr once, naming the reason and
// never the text. No exception leaves the speech thread.
//
// espeak-ng is one per process (global state in the library): only one
// EspeakSpeech may exist at a time; a second one stays silent and says so.

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "kiosk/speech/speech.hpp"

namespace chasqui::kiosk::speech {

// Receives synthesized audio (Memory output), on the speech thread.
class PcmSink {
public:
    virtual ~PcmSink() = default;
    virtual void samples(std::uint64_t request, const short* data, int count, int sampleRate) = 0;
    // The request ended: read to the end (`completed`) or interrupted / failed.
    virtual void finished(std::uint64_t request, bool completed) = 0;
};

class EspeakSpeech final : public Speech {
public:
    // Plays through espeak-ng's own audio output.
    EspeakSpeech();
    // Synthesizes into `sink` (which must outlive this object) and plays nothing.
    explicit EspeakSpeech(PcmSink& sink);
    ~EspeakSpeech() override;  // interrupts the current reading and joins the speech thread
    EspeakSpeech(const EspeakSpeech&) = delete;
    EspeakSpeech& operator=(const EspeakSpeech&) = delete;

    std::uint64_t speak(std::string_view language, std::string_view text) override;
    void stop() override;

    // Whether the engine started (false once it failed; blocks until the
    // speech thread has tried, so a test does not race the start).
    bool ready();

    // The newest request number; the synthesis callback compares against it.
    std::uint64_t latest() const;

private:
    struct Request {
        std::uint64_t id = 0;
        std::string voice;
        std::string text;
    };
    enum class Start { Pending, Ready, Failed };

    void run();
    bool start();
    void read(const Request& request);
    void logOnce(const char* what, int status);

    PcmSink* m_sink = nullptr;  // nullptr: Playback
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::optional<Request> m_pending;  // the newest request not yet taken by the speech thread
    std::uint64_t m_latest = 0;        // speak() and stop() both move it on
    bool m_stopRequested = false;      // stop(): cancel the playback
    bool m_quit = false;
    Start m_start = Start::Pending;
    bool m_logged = false;  // speech thread only
    std::thread m_thread;   // last: starts after every member above exists
};

}  // namespace chasqui::kiosk::speech
