#include "kiosk/speech/espeak_speech.hpp"

#include <atomic>
#include <cstdio>

#include <espeak-ng/espeak_ng.h>
#include <fmt/format.h>

#include "kiosk/speech/voices.hpp"

namespace chasqui::kiosk::speech {

namespace {

// espeak-ng keeps its state in globals and calls a plain C function with
// the audio: g_taken says whether an EspeakSpeech owns the library now, and
// g_reading which request the synthesis callback is making (set only by the
// owner's speech thread, around espeak_ng_Synthesize).
std::atomic<bool> g_taken{false};
// espeak-ng is initialized once per process and never terminated: its
// espeak_ng_Terminate() hangs when the library is started a second time in a
// process (1.51, its internal threads), so a later EspeakSpeech only chooses
// its output mode. Touched only by the owner's speech thread (g_taken).
bool g_initialized = false;

struct Reading {
    EspeakSpeech* self = nullptr;
    PcmSink* sink = nullptr;
    std::uint64_t id = 0;
    int sampleRate = 0;
    bool interrupted = false;
};
Reading* g_reading = nullptr;

// Called by espeak-ng on the speech thread (Memory output) with each piece
// of audio. Returning 1 stops the synthesis: how a newer request interrupts.
int onSynth(short* wav, int count, espeak_EVENT* /*events*/) {
    Reading* reading = g_reading;
    if (reading == nullptr) return 1;
    try {
        if (reading->self->latest() != reading->id) {
            reading->interrupted = true;
            return 1;
        }
        if (wav != nullptr && count > 0) reading->sink->samples(reading->id, wav, count, reading->sampleRate);
        return 0;
    } catch (...) {  // never through espeak-ng's C frames
        reading->interrupted = true;
        return 1;
    }
}

}  // namespace

EspeakSpeech::EspeakSpeech() : m_thread([this] { run(); }) {}

EspeakSpeech::EspeakSpeech(PcmSink& sink) : m_sink(&sink), m_thread([this] { run(); }) {}

EspeakSpeech::~EspeakSpeech() {
    {
        std::lock_guard lock(m_mutex);
        m_quit = true;
        ++m_latest;  // interrupts a synthesis in progress
        m_pending.reset();
    }
    m_cv.notify_all();
    m_thread.join();
}

std::uint64_t EspeakSpeech::speak(std::string_view language, std::string_view text) {
    std::uint64_t id = 0;
    {
        std::lock_guard lock(m_mutex);
        id = ++m_latest;
        m_pending = Request{id, voiceFor(language), std::string(text)};
    }
    m_cv.notify_all();
    return id;
}

void EspeakSpeech::stop() {
    {
        std::lock_guard lock(m_mutex);
        ++m_latest;
        m_pending.reset();
        m_stopRequested = true;
    }
    m_cv.notify_all();
}

bool EspeakSpeech::ready() {
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [this] { return m_start != Start::Pending; });
    return m_start == Start::Ready;
}

std::uint64_t EspeakSpeech::latest() const {
    std::lock_guard lock(m_mutex);
    return m_latest;
}

void EspeakSpeech::run() {
    bool started = false;
    try {
        started = start();
    } catch (...) {
        started = false;
    }
    {
        std::lock_guard lock(m_mutex);
        m_start = started ? Start::Ready : Start::Failed;
    }
    m_cv.notify_all();
    for (;;) {
        std::optional<Request> request;
        bool cancel = false;
        {
            std::unique_lock lock(m_mutex);
            m_cv.wait(lock, [this] { return m_quit || m_pending || m_stopRequested; });
            if (m_quit) break;
            request.swap(m_pending);
            cancel = m_stopRequested;
            m_stopRequested = false;
        }
        try {
            if (started && m_sink == nullptr && (cancel || request)) espeak_ng_Cancel();
            if (request) {
                if (started)
                    read(*request);
                else if (m_sink != nullptr)
                    m_sink->finished(request->id, false);
            }
        } catch (...) {
            logOnce("an error while reading aloud", 0);  // i18n: not UI
        }
    }
    if (started) {
        if (m_sink == nullptr) espeak_ng_Cancel();
        espeak_SetSynthCallback(nullptr);
        g_taken.store(false);
    }
}

bool EspeakSpeech::start() {
    bool expected = false;
    if (!g_taken.compare_exchange_strong(expected, true)) {
        logOnce("another speech engine is running in this process", 0);  // i18n: not UI
        return false;
    }
    espeak_ng_STATUS status = ENS_OK;
    if (!g_initialized) {
        espeak_ng_InitializePath(nullptr);
        espeak_ng_ERROR_CONTEXT context = nullptr;
        status = espeak_ng_Initialize(&context);
        espeak_ng_ClearErrorContext(&context);
        g_initialized = status == ENS_OK;
    }
    if (status == ENS_OK) {
        const espeak_ng_OUTPUT_MODE mode = m_sink != nullptr ? ENOUTPUT_MODE_SYNCHRONOUS : ENOUTPUT_MODE_SPEAK_AUDIO;
        status = espeak_ng_InitializeOutput(mode, 0, nullptr);
    }
    if (status != ENS_OK) {
        logOnce("espeak-ng did not start", status);  // i18n: not UI
        g_taken.store(false);
        return false;
    }
    espeak_SetSynthCallback(m_sink != nullptr ? onSynth : nullptr);
    return true;
}

void EspeakSpeech::read(const Request& request) {
    espeak_ng_STATUS status = espeak_ng_SetVoiceByName(request.voice.c_str());
    if (status != ENS_OK) {
        logOnce("the voice for this language is missing", status);  // i18n: not UI
        if (m_sink != nullptr) m_sink->finished(request.id, false);
        return;
    }
    Reading reading{this, m_sink, request.id, espeak_ng_GetSampleRate(), false};
    g_reading = &reading;
    status = espeak_ng_Synthesize(request.text.c_str(), request.text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8,
                                  nullptr, nullptr);
    g_reading = nullptr;
    // ENS_SPEECH_STOPPED is the callback's own doing: a newer request interrupted this one.
    if (status != ENS_OK && status != ENS_SPEECH_STOPPED)
        logOnce("espeak-ng could not read a text", status);  // i18n: not UI
    if (m_sink != nullptr) m_sink->finished(request.id, status == ENS_OK && !reading.interrupted);
}

// Once per engine, with espeak-ng's reason and never the text being read
// (the text is public, but a log is not the place for what people listen to).
void EspeakSpeech::logOnce(const char* what, int status) {
    if (m_logged) return;
    m_logged = true;
    char reason[256] = "";
    if (status != 0) espeak_ng_GetStatusCodeMessage(static_cast<espeak_ng_STATUS>(status), reason, sizeof reason);
    fmt::print(stderr, "chasqui-kiosk: speech is off: {}{}{}\n", what, status != 0 ? ": " : "",  // i18n: not UI
               reason);
}

}  // namespace chasqui::kiosk::speech
