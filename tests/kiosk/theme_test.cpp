// Text meets WCAG AAA contrast (7:1) on every surface the kiosk draws it on.
#include <doctest/doctest.h>

#include "kiosk/ui/theme.hpp"

using namespace chasqui::kiosk;

TEST_CASE("contrast ratio matches WCAG reference values") {
    CHECK(contrastRatio({0, 0, 0, 1}, {1, 1, 1, 1}) == doctest::Approx(21.0).epsilon(0.001));
    CHECK(contrastRatio({1, 1, 1, 1}, {1, 1, 1, 1}) == doctest::Approx(1.0));
    // #767676 on white is the classic 4.54:1.
    CHECK(contrastRatio({0.4627f, 0.4627f, 0.4627f, 1}, {1, 1, 1, 1}) == doctest::Approx(4.54).epsilon(0.01));
}

TEST_CASE("every text colour of the theme has at least 7:1 against its background") {
    const Theme theme;
    for (const auto& [text, background] : theme.textPairs()) {
        const float ratio = contrastRatio(text, background);
        CHECK_MESSAGE(ratio >= 7.f, "contrast " << ratio << " for text (" << text.x << "," << text.y << "," << text.z
                                                << ") on (" << background.x << "," << background.y << ","
                                                << background.z << ")");
    }
    CHECK(theme.bodyPx >= 20.f);
    CHECK(theme.minTouch >= 48.f);
}
