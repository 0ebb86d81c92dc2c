#pragma once
// A Speech that only writes down what it was asked to read: the headless
// screen tests check which text a speaker button asks for, in which
// language, without sound. The real espeak-ng speech is tested on its own
// (tests/kiosk/speech_test.cpp). UI thread only, like the screens that call it.

#include <string>
#include <vector>

#include "kiosk/speech/speech.hpp"

namespace chasqui::test {

class RecordingSpeech final : public kiosk::speech::Speech {
public:
    struct Said {
        std::string language;
        std::string text;
    };
    std::uint64_t speak(std::string_view language, std::string_view text) override {
        said.push_back(Said{std::string(language), std::string(text)});
        return said.size();
    }
    void stop() override { ++stops; }

    std::vector<Said> said;
    int stops = 0;
};

}  // namespace chasqui::test
