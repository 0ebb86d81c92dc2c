// Text meets WCAG AAA contrast (7:1) on every surface the kiosk draws it on.
#include <doctest/doctest.h>

#include <algorithm>

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

// WCAG 1.4.11: the outline of a field, a card or an unselected chip, and the
// fill of a selected chip, stand out at least 3:1 from what is next to them.
TEST_CASE("every component boundary of the theme has at least 3:1 against what is next to it") {
    const Theme theme;
    const auto pairs = theme.boundaryPairs();
    // The outlines are among the pairs checked: against the paper, the cards and a chip's fill.
    const auto has = [&](const ImVec4& a, const ImVec4& b) {
        return std::any_of(pairs.begin(), pairs.end(), [&](const auto& p) {
            return p.first.x == a.x && p.first.y == a.y && p.first.z == a.z && p.second.x == b.x && p.second.y == b.y &&
                   p.second.z == b.z;
        });
    };
    CHECK(has(theme.border, theme.background));
    CHECK(has(theme.border, theme.surface));
    CHECK(has(theme.border, theme.secondary));
    for (const auto& [edge, next] : pairs) {
        const float ratio = contrastRatio(edge, next);
        CHECK_MESSAGE(ratio >= 3.f, "contrast " << ratio << " for boundary (" << edge.x << "," << edge.y << ","
                                                << edge.z << ") next to (" << next.x << "," << next.y << "," << next.z
                                                << ")");
    }
}
