#pragma once
// Reading aloud: what the self-service screens ask for ("read this text in
// this language", "stop"). The real implementation is EspeakSpeech
// (espeak_speech.hpp, offline, Debian's espeak-ng); tests of the screens use
// a recording fake. Only public catalog text and the kiosk's own words are
// ever given to it: it lives with the self-service screens, which cannot
// reach personal data (kiosk/CMakeLists.txt).
//
// Threading: speak() and stop() are called from the UI thread and return at
// once; synthesis and playback happen elsewhere. A new speak() interrupts
// whatever is being read. Failures (no voice data, no audio device) are not
// reported to the caller: the kiosk simply does not speak.

#include <cstdint>
#include <string_view>

namespace chasqui::kiosk::speech {

class Speech {
public:
    virtual ~Speech() = default;
    // Reads `text` (UTF-8) in `language` (a kiosk language code: es, en, pt,
    // ht), interrupting the current reading. Returns the request's number
    // (increasing from 1), which implementations may report back to tests.
    virtual std::uint64_t speak(std::string_view language, std::string_view text) = 0;
    // Stops the current reading, if any.
    virtual void stop() = 0;
};

}  // namespace chasqui::kiosk::speech
