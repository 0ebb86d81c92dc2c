// Reading aloud with the real espeak-ng: a sentence from each language's
// translation catalog becomes audible speech of a plausible length, and a
// new request interrupts the one being read. The audio is synthesized into
// memory (16-bit mono PCM), written as a WAV file per language
// (build/artifacts/speech-<lang>.wav, to listen to) and checked as read back
// from that file; nothing is played.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <vector>

#include <fmt/format.h>

#include "kiosk/core/translations.hpp"
#include "kiosk/speech/espeak_speech.hpp"

using namespace chasqui;
using kiosk::speech::EspeakSpeech;

namespace {

struct Heard {
    std::vector<short> pcm;
    int sampleRate = 0;
    bool ended = false;
    bool completed = false;
};

// Collects what the speech thread made, per request, and lets the test wait
// on it. holdFirstChunk() makes the speech thread wait inside the first piece
// of audio of the next request until release(): the test then knows that
// request is still being read when it sends another one.
class RecordingPcm final : public kiosk::speech::PcmSink {
public:
    void samples(std::uint64_t request, const short* data, int count, int sampleRate) override {
        {
            std::unique_lock lock(m_mutex);
            if (m_hold && m_held == 0) {
                m_held = request;
                m_cv.notify_all();
                m_cv.wait(lock, [this] { return !m_hold; });
            }
            Heard& h = m_heard[request];
            h.pcm.insert(h.pcm.end(), data, data + count);
            h.sampleRate = sampleRate;
        }
        m_cv.notify_all();
    }
    void finished(std::uint64_t request, bool completed) override {
        {
            std::lock_guard lock(m_mutex);
            Heard& h = m_heard[request];
            h.ended = true;
            h.completed = completed;
        }
        m_cv.notify_all();
    }
    // Waits (at most 60 s) until `done` holds for the request; returns a copy.
    template <typename Pred>
    Heard waitFor(std::uint64_t request, Pred done) {
        std::unique_lock lock(m_mutex);
        const bool ok = m_cv.wait_for(lock, std::chrono::seconds(60), [&] { return done(m_heard[request]); });
        REQUIRE_MESSAGE(ok, "the speech thread did not answer request " << request);
        return m_heard[request];
    }
    void holdFirstChunk() {
        std::lock_guard lock(m_mutex);
        m_hold = true;
        m_held = 0;
    }
    // Waits until the speech thread is held inside `request`'s first chunk.
    void waitHeld(std::uint64_t request) {
        std::unique_lock lock(m_mutex);
        REQUIRE(m_cv.wait_for(lock, std::chrono::seconds(60), [&] { return m_held == request; }));
    }
    void release() {
        {
            std::lock_guard lock(m_mutex);
            m_hold = false;
        }
        m_cv.notify_all();
    }
    Heard waitEnd(std::uint64_t request) {
        return waitFor(request, [](const Heard& h) { return h.ended; });
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::map<std::uint64_t, Heard> m_heard;
    bool m_hold = false;
    std::uint64_t m_held = 0;
};

double seconds(const Heard& h) {
    return h.sampleRate > 0 ? static_cast<double>(h.pcm.size()) / h.sampleRate : 0.0;
}
double rms(const Heard& h) {
    double sum = 0.0;
    for (short s : h.pcm) sum += static_cast<double>(s) * s;
    return h.pcm.empty() ? 0.0 : std::sqrt(sum / static_cast<double>(h.pcm.size()));
}
int peak(const Heard& h) {
    int top = 0;
    for (short s : h.pcm) top = std::max(top, std::abs(static_cast<int>(s)));
    return top;
}

void put32(std::ofstream& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.put(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put16(std::ofstream& out, std::uint16_t v) {
    out.put(static_cast<char>(v & 0xff));
    out.put(static_cast<char>(v >> 8));
}
std::uint32_t get32(const std::string& b, std::size_t at) {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(i)]);
    return v;
}

// A canonical 44-byte-header PCM WAV file: RIFF, fmt (mono, 16-bit), data.
void writeWav(const std::filesystem::path& path, const Heard& h) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    const auto bytes = static_cast<std::uint32_t>(h.pcm.size() * 2);
    out.write("RIFF", 4);
    put32(out, 36 + bytes);
    out.write("WAVEfmt ", 8);
    put32(out, 16);
    put16(out, 1);  // PCM
    put16(out, 1);  // mono
    put32(out, static_cast<std::uint32_t>(h.sampleRate));
    put32(out, static_cast<std::uint32_t>(h.sampleRate) * 2);
    put16(out, 2);
    put16(out, 16);
    out.write("data", 4);
    put32(out, bytes);
    for (short s : h.pcm) put16(out, static_cast<std::uint16_t>(s));
}

// What a player would read from the file: its rate and samples.
Heard readWav(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    const std::string b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(b.size() >= 44);
    REQUIRE(b.compare(0, 4, "RIFF") == 0);
    REQUIRE(b.compare(8, 8, "WAVEfmt ") == 0);
    REQUIRE(b.compare(36, 4, "data") == 0);
    const std::uint32_t bytes = get32(b, 40);
    REQUIRE(b.size() == 44 + bytes);
    Heard h;
    h.sampleRate = static_cast<int>(get32(b, 24));
    for (std::size_t i = 44; i + 1 < b.size(); i += 2)
        h.pcm.push_back(
            static_cast<short>(static_cast<unsigned char>(b[i]) | (static_cast<unsigned char>(b[i + 1]) << 8)));
    return h;
}

kiosk::Translations catalogs() {
    auto i18n = kiosk::Translations::load(std::filesystem::path(CHASQUI_SOURCE_DIR) / "assets" / "i18n");
    REQUIRE(i18n.has_value());
    return std::move(*i18n);
}

}  // namespace

TEST_CASE("speech: a sentence of each language's catalog is synthesized as real speech") {
    const kiosk::Translations i18n = catalogs();
    RecordingPcm heard;
    EspeakSpeech speech(heard);
    REQUIRE(speech.ready());
    for (const auto& lang : kiosk::Translations::languages()) {
        CAPTURE(lang.code);
        // "Information and support for refugees and migrants", in that language.
        const std::string sentence = i18n.tr("welcome.subtitle", lang.code);
        const Heard made = heard.waitEnd(speech.speak(lang.code, sentence));
        CHECK(made.completed);
        const auto wav = std::filesystem::path(CHASQUI_ARTIFACTS_DIR) / fmt::format("speech-{}.wav", lang.code);
        writeWav(wav, made);
        const Heard h = readWav(wav);
        CHECK(h.sampleRate >= 8000);
        // A sentence of six or seven words takes seconds, not a blip.
        CHECK(seconds(h) > 1.0);
        CHECK(seconds(h) < 20.0);
        // Not silence: RMS and peak well above a quiet floor (of 32767).
        CHECK(rms(h) > 300.0);
        CHECK(peak(h) > 3000);
    }
}

TEST_CASE("speech: a second text interrupts the first, and stop() ends a reading") {
    const kiosk::Translations i18n = catalogs();
    RecordingPcm heard;
    EspeakSpeech speech(heard);
    REQUIRE(speech.ready());
    std::string longText;
    for (int i = 0; i < 30; ++i) longText += std::string(i18n.tr("welcome.subtitle", "es")) + ". ";

    heard.holdFirstChunk();
    const std::uint64_t first = speech.speak("es", longText);
    heard.waitHeld(first);  // the first text is being read now
    const std::uint64_t second = speech.speak("en", i18n.tr("welcome.services", "en"));
    heard.release();
    const Heard secondHeard = heard.waitEnd(second);
    const Heard firstHeard = heard.waitEnd(first);
    CHECK_FALSE(firstHeard.completed);
    // 30 sentences would be over a minute of speech; it was cut short.
    CHECK(seconds(firstHeard) < 30.0);
    CHECK(secondHeard.completed);
    CHECK(seconds(secondHeard) > 0.5);

    heard.holdFirstChunk();
    const std::uint64_t third = speech.speak("pt", longText);
    heard.waitHeld(third);
    speech.stop();
    heard.release();
    const Heard thirdHeard = heard.waitEnd(third);
    CHECK_FALSE(thirdHeard.completed);
}
