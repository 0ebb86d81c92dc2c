// When the kiosk draws again: a few frames after input, every frame while a
// widget animates, ten times a second while work runs, else when the lock
// next changes; a tap is counted one frame after its release.
#include "kiosk/core/frame_pacer.hpp"

#include <doctest/doctest.h>

using chasqui::kiosk::FramePacer;

TEST_CASE("frame pacer: input keeps drawing for a few frames, then the lock decides") {
    FramePacer pacer;
    CHECK(pacer.msUntilNextFrame(false, -1) == -1);
    CHECK(pacer.msUntilNextFrame(false, 5'000) == 5'000);
    pacer.settle();
    for (int i = 0; i < FramePacer::kSettleFrames; ++i) {
        CHECK(pacer.msUntilNextFrame(false, -1) == 0);
        pacer.beginFrame();
    }
    CHECK(pacer.msUntilNextFrame(false, -1) == -1);
    CHECK(pacer.msUntilNextFrame(true, -1) == FramePacer::kBusyMs);
}

TEST_CASE("frame pacer: an animation draws every frame; a release draws one more and counts a frame later") {
    FramePacer pacer;
    pacer.endFrame(false, true);
    CHECK(pacer.msUntilNextFrame(true, -1) == 0);
    pacer.endFrame(true, false);  // released this frame
    CHECK(pacer.taps() == 0);
    CHECK(pacer.msUntilNextFrame(false, -1) == 0);
    pacer.beginFrame();
    pacer.endFrame(false, false);
    CHECK(pacer.taps() == 1);
    CHECK(pacer.msUntilNextFrame(false, -1) == -1);
}
