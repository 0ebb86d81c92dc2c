// Properties of the pure text helpers and of the hybrid logical clock, checked
// with RapidCheck on generated inputs (RC_PARAMS="max_success=1000" for more).
// The UTF-8 oracle below is written from the Unicode standard's table of
// well-formed byte sequences (Table 3-7), independently of storage/base/text.cpp.
#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "storage/base/clock.hpp"
#include "storage/base/text.hpp"
#include "storage/base/validation.hpp"
#include "storage/records/ids.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui::storage;
using chasqui::test::kTestNowMs;

namespace {

// --- Reference UTF-8 validator (Unicode Table 3-7) -------------------------

bool referenceValidUtf8(const std::string& s) {
    const auto at = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(s[k])); };
    std::size_t i = 0;
    while (i < s.size()) {
        const unsigned b0 = at(i);
        if (b0 <= 0x7F) {
            ++i;
            continue;
        }
        std::size_t length = 0;
        unsigned secondLow = 0x80;
        unsigned secondHigh = 0xBF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            length = 2;
        } else if (b0 == 0xE0) {
            length = 3;
            secondLow = 0xA0;
        } else if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) {
            length = 3;
        } else if (b0 == 0xED) {
            length = 3;
            secondHigh = 0x9F;
        } else if (b0 == 0xF0) {
            length = 4;
            secondLow = 0x90;
        } else if (b0 >= 0xF1 && b0 <= 0xF3) {
            length = 4;
        } else if (b0 == 0xF4) {
            length = 4;
            secondHigh = 0x8F;
        } else {
            return false;  // 80..C1, F5..FF never start a character
        }
        if (i + length > s.size()) return false;
        if (at(i + 1) < secondLow || at(i + 1) > secondHigh) return false;
        for (std::size_t k = 2; k < length; ++k)
            if (at(i + k) < 0x80 || at(i + k) > 0xBF) return false;
        i += length;
    }
    return true;
}

// --- Encoders ----------------------------------------------------------------

// The generic UTF-8 bit pattern in exactly `length` bytes, whether or not the
// result is well formed (overlongs, surrogates, values past U+10FFFF).
std::string encodeWithLength(std::uint32_t cp, std::size_t length) {
    const auto byte = [](std::uint32_t v) { return static_cast<char>(static_cast<unsigned char>(v)); };
    std::string out;
    switch (length) {
        case 1:
            out += byte(cp & 0x7F);
            break;
        case 2:
            out += byte(0xC0 | ((cp >> 6) & 0x1F));
            out += byte(0x80 | (cp & 0x3F));
            break;
        case 3:
            out += byte(0xE0 | ((cp >> 12) & 0x0F));
            out += byte(0x80 | ((cp >> 6) & 0x3F));
            out += byte(0x80 | (cp & 0x3F));
            break;
        default:
            out += byte(0xF0 | ((cp >> 18) & 0x07));
            out += byte(0x80 | ((cp >> 12) & 0x3F));
            out += byte(0x80 | ((cp >> 6) & 0x3F));
            out += byte(0x80 | (cp & 0x3F));
            break;
    }
    return out;
}

std::size_t shortestLength(std::uint32_t cp) {
    if (cp < 0x80) return 1;
    if (cp < 0x800) return 2;
    if (cp < 0x10000) return 3;
    return 4;
}

std::string encodeUtf8(std::uint32_t cp) {
    return encodeWithLength(cp, shortestLength(cp));
}

std::string join(const std::vector<std::string>& pieces) {
    std::string out;
    for (const auto& p : pieces) out += p;
    return out;
}

// --- Generators ----------------------------------------------------------------

// A Unicode scalar value (any code point but a surrogate), spread over every
// encoded length.
rc::Gen<std::uint32_t> genScalar() {
    return rc::gen::oneOf(
        rc::gen::inRange<std::uint32_t>(0, 0x80), rc::gen::inRange<std::uint32_t>(0x80, 0x800),
        rc::gen::inRange<std::uint32_t>(0x800, 0xD800), rc::gen::inRange<std::uint32_t>(0xE000, 0x10000),
        rc::gen::inRange<std::uint32_t>(0x10000, 0x110000),
        rc::gen::element<std::uint32_t>(0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFF, 0x10000, 0x10FFFF));
}

rc::Gen<std::string> genByte() {
    return rc::gen::map(rc::gen::arbitrary<std::uint8_t>(),
                        [](std::uint8_t b) { return std::string(1, static_cast<char>(b)); });
}

rc::Gen<std::string> genValidPiece() {
    return rc::gen::map(genScalar(), encodeUtf8);
}

// A piece that is ill-formed however it is surrounded by well-formed text.
rc::Gen<std::string> genInvalidPiece() {
    return rc::gen::oneOf(
        // A continuation byte with no lead byte.
        rc::gen::map(rc::gen::inRange<std::uint32_t>(0x80, 0xC0),
                     [](std::uint32_t b) { return std::string(1, static_cast<char>(static_cast<unsigned char>(b))); }),
        // Bytes that never appear in UTF-8.
        rc::gen::map(rc::gen::element<std::uint32_t>(0xC0, 0xC1, 0xF5, 0xF6, 0xF7, 0xF8, 0xFB, 0xFC, 0xFE, 0xFF),
                     [](std::uint32_t b) { return std::string(1, static_cast<char>(static_cast<unsigned char>(b))); }),
        // A multi-byte character cut short.
        rc::gen::map(
            rc::gen::pair(rc::gen::inRange<std::uint32_t>(0x80, 0x110000), rc::gen::inRange<std::size_t>(1, 4)),
            [](const std::pair<std::uint32_t, std::size_t>& v) {
                const std::string full = encodeUtf8(v.first >= 0xD800 && v.first < 0xE000 ? 0xE9 : v.first);
                return full.substr(0, std::min(v.second, full.size() - 1));
            }),
        // Overlong: a character in more bytes than it needs.
        rc::gen::map(rc::gen::pair(rc::gen::inRange<std::uint32_t>(0, 0x10000), rc::gen::inRange<std::size_t>(2, 5)),
                     [](const std::pair<std::uint32_t, std::size_t>& v) {
                         const std::size_t length = std::max(v.second, shortestLength(v.first) + 1);
                         return encodeWithLength(v.first, std::min<std::size_t>(length, 4));
                     }),
        // UTF-16 surrogates encoded as if they were characters.
        rc::gen::map(rc::gen::inRange<std::uint32_t>(0xD800, 0xE000),
                     [](std::uint32_t cp) { return encodeWithLength(cp, 3); }),
        // Past U+10FFFF.
        rc::gen::map(rc::gen::inRange<std::uint32_t>(0x110000, 0x200000),
                     [](std::uint32_t cp) { return encodeWithLength(cp, 4); }));
}

// Well-formed text, ill-formed pieces and raw bytes, mixed: both valid and
// invalid strings come out often, which purely random bytes would not give.
rc::Gen<std::string> genMixedBytes() {
    return rc::gen::map(rc::gen::container<std::vector<std::string>>(
                            rc::gen::oneOf(genValidPiece(), genValidPiece(), genInvalidPiece(), genByte())),
                        join);
}

rc::Gen<std::string> genValidText() {
    return rc::gen::map(rc::gen::container<std::vector<std::string>>(genValidPiece()), join);
}

// Something like a name as typed at the desk.
rc::Gen<std::string> genNameLike() {
    static const std::vector<std::string> kPieces = {"a",
                                                     "z",
                                                     "M",
                                                     "Q",
                                                     "\xC3\xA1",
                                                     "\xC3\x89",
                                                     "\xC3\x91",
                                                     "\xC3\xB1",
                                                     "\xC3\x9F",
                                                     "\xC3\x86",
                                                     "\xC5\x93",
                                                     "\xC3\x96",
                                                     "\xC4\xB0",
                                                     "\xEF\xAC\x81",
                                                     "\xE6\x9D\x8E",
                                                     "\xD9\x85",
                                                     "0",
                                                     "7",
                                                     " ",
                                                     "  ",
                                                     "-",
                                                     "'",
                                                     ".",
                                                     "\xE2\x80\x99",
                                                     "\xE2\x80\x93",
                                                     "\xC2\xA0",
                                                     "\xE3\x80\x80",
                                                     "\t",
                                                     "\n",
                                                     ",",
                                                     "(",
                                                     "\xF0\x9F\x98\x80"};
    return rc::gen::map(rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(kPieces)), join);
}

rc::Gen<std::string> genAnyText() {
    return rc::gen::oneOf(genNameLike(), genMixedBytes(), genValidText());
}

// Clock moves: none, a millisecond or two either way, or up to a month either way.
rc::Gen<std::int64_t> genClockMove() {
    constexpr std::int64_t kMonthMs = 30LL * 24 * 3600 * 1000;
    return rc::gen::oneOf(rc::gen::just<std::int64_t>(0), rc::gen::inRange<std::int64_t>(-3, 4),
                          rc::gen::inRange<std::int64_t>(-kMonthMs, kMonthMs + 1));
}

// A remote stamp's counter as it can arrive over sync (4 hex digits), with
// the edges weighted in.
rc::Gen<std::uint32_t> genRemoteCounter() {
    return rc::gen::oneOf(rc::gen::inRange<std::uint32_t>(0, 8), rc::gen::inRange<std::uint32_t>(0, 0x10000),
                          rc::gen::element<std::uint32_t>(0xFFFE, 0xFFFF));
}

struct ClockOp {
    std::int64_t move = 0;          // applied to the wall clock first
    bool observe = false;           // then a remote stamp is observed...
    std::int64_t remoteOffset = 0;  // ...this far from the wall clock
    std::uint32_t remoteCounter = 0;
};

std::ostream& operator<<(std::ostream& os, const ClockOp& op) {
    os << "{move " << op.move;
    if (op.observe) os << ", observe wall+" << op.remoteOffset << " counter " << op.remoteCounter;
    return os << "}";
}

rc::Gen<std::vector<ClockOp>> genClockOps() {
    return rc::gen::container<std::vector<ClockOp>>(
        rc::gen::map(rc::gen::tuple(genClockMove(), rc::gen::arbitrary<bool>(), genClockMove(), genRemoteCounter()),
                     [](const std::tuple<std::int64_t, bool, std::int64_t, std::uint32_t>& t) {
                         return ClockOp{std::get<0>(t), std::get<1>(t), std::get<2>(t), std::get<3>(t)};
                     }));
}

// Wall times stay between 1970 and the year 10889 (12 hex digits).
std::int64_t clampWall(std::int64_t ms) {
    return std::clamp<std::int64_t>(ms, 0, (std::int64_t{1} << 48) - 1);
}

}  // namespace

TEST_CASE("the UTF-8 oracle itself knows the classic cases") {
    CHECK(referenceValidUtf8(""));
    CHECK(
        referenceValidUtf8("Mar\xC3\xAD"
                           "a \xE2\x82\xAC \xF0\x9F\x98\x80"));
    CHECK(referenceValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
    CHECK_FALSE(referenceValidUtf8("\xC3\x28"));
    CHECK_FALSE(referenceValidUtf8("\xC0\xAF"));
    CHECK_FALSE(referenceValidUtf8("\xE0\x80\xAF"));
    CHECK_FALSE(referenceValidUtf8("\xED\xA0\x80"));
    CHECK_FALSE(referenceValidUtf8("\xF4\x90\x80\x80"));
    CHECK_FALSE(referenceValidUtf8("\xC3"));
    CHECK_FALSE(referenceValidUtf8("\x80"));
    for (const char* s : {"",
                          "Mar\xC3\xAD"
                          "a",
                          "\xC3\x28", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE0\x80\xAF",
                          "\xF0\x8F\xBF\xBF", "\xEF\xBF\xBF", "\xC3"}) {
        const std::string text = s;
        CAPTURE(text);
        CHECK(isValidUtf8(text) == referenceValidUtf8(text));
    }
}

TEST_CASE("isValidUtf8 agrees with the reference decoder") {
    CHECK(rc::check("on arbitrary bytes", [](const std::vector<std::uint8_t>& bytes) {
        const std::string s(bytes.begin(), bytes.end());
        RC_ASSERT(isValidUtf8(s) == referenceValidUtf8(s));
    }));
    CHECK(rc::check("on mixed well- and ill-formed pieces", [] {
        const std::string s = *genMixedBytes();
        RC_CLASSIFY(referenceValidUtf8(s), "valid");
        RC_ASSERT(isValidUtf8(s) == referenceValidUtf8(s));
    }));
}

TEST_CASE("isValidUtf8 and hasControlChars see a bad byte anywhere in a long ASCII run") {
    // The fast path reads ASCII eight bytes at a time: a bad or control byte
    // at every offset, and a multi-byte sequence across a word's edge.
    for (std::size_t length : {1u, 7u, 8u, 9u, 16u, 23u, 64u}) {
        for (std::size_t at = 0; at < length; ++at) {
            CAPTURE(length);
            CAPTURE(at);
            std::string text(length, 'a');
            text[at] = '\x80';
            CHECK_FALSE(isValidUtf8(text));
            text[at] = '\x01';
            CHECK(isValidUtf8(text));
            CHECK(hasControlChars(text, true));
            text[at] = '\x7F';
            CHECK(hasControlChars(text, true));
            text[at] = '\n';
            CHECK_FALSE(hasControlChars(text, true));
            CHECK(hasControlChars(text, false));
            text[at] = 'b';
            CHECK_FALSE(hasControlChars(text, false));
            text.replace(at, 1, "\xC3\xAD");  // í, two bytes
            CHECK(isValidUtf8(text));
            CHECK_FALSE(hasControlChars(text, false));
            CHECK_FALSE(isValidUtf8(text.substr(0, at + 1)));  // cut inside it
            text.replace(at, 2, "\xC2\x85");                   // U+0085, a C1 control
            CHECK(hasControlChars(text, true));
        }
    }
}

TEST_CASE("encoding any sequence of code points but surrogates gives valid UTF-8") {
    CHECK(rc::check("encoded scalar values are valid and counted right", [] {
        const auto cps = *rc::gen::container<std::vector<std::uint32_t>>(genScalar());
        std::string s;
        for (const auto cp : cps) s += encodeUtf8(cp);
        RC_ASSERT(referenceValidUtf8(s));  // the encoder and the oracle agree
        RC_ASSERT(isValidUtf8(s));
        RC_ASSERT(codePointCount(s) == cps.size());
    }));
}

TEST_CASE("checkText never accepts invalid UTF-8") {
    CHECK(rc::check("valid text + an ill-formed piece + valid text is refused", [] {
        const std::string s = *genValidText() + *genInvalidPiece() + *genValidText();
        RC_ASSERT(!referenceValidUtf8(s));
        const bool newlines = *rc::gen::arbitrary<bool>();
        const auto result = checkText("given_names", s, 0, 1000000, newlines);
        RC_ASSERT(!result.has_value());
        RC_ASSERT(result.error().code == ErrorCode::InvalidInput);
        RC_ASSERT(result.error().field == "given_names");
        RC_ASSERT(!result.error().message.empty());
    }));
    CHECK(rc::check("whatever checkText accepts is valid UTF-8 without controls", [] {
        const std::string s = *genAnyText();
        const auto result = checkText("text", s, 0, 1000000, true);
        if (result.has_value()) {
            RC_ASSERT(referenceValidUtf8(s));
            RC_ASSERT(!hasControlChars(s, true));
        } else {
            RC_ASSERT(result.error().field == "text");
        }
    }));
}

TEST_CASE("foldForSearch makes a clean, stable search key") {
    CHECK(rc::check("fold is idempotent, lower case, single-spaced, trimmed and valid UTF-8", [] {
        const std::string s = *genAnyText();
        const std::string f = foldForSearch(s);
        RC_ASSERT(foldForSearch(f) == f);
        RC_ASSERT(std::none_of(f.begin(), f.end(), [](char c) { return c >= 'A' && c <= 'Z'; }));
        RC_ASSERT(f.find("  ") == std::string::npos);
        // RC_ASSERT captures its expression with overloaded operators, and an overloaded
        // || does not short-circuit: without the inner parentheses f.back() would run on
        // an empty key (a read before its buffer, caught by ASan).
        RC_ASSERT((f.empty() || (f.front() != ' ' && f.back() != ' ')));
        RC_ASSERT(isValidUtf8(f));
        // splitWords and the single spaces agree: joining the words gives the key back.
        std::string rejoined;
        for (const auto& w : splitWords(f)) {
            RC_ASSERT(!w.empty());
            rejoined += (rejoined.empty() ? "" : " ") + w;
        }
        RC_ASSERT(rejoined == f);
    }));
    // The examples of the header, so the property is not satisfied by a fold
    // that throws everything away.
    CHECK(foldForSearch("P\xC3\xA9rez-G\xC3\xB3mez  D'\xC3\x81vila") == "perez gomez d avila");
    CHECK(foldForSearch("\xC3\x91\xC3\xA1\xC3\xB1\x65z") == "nanez");
    CHECK(foldForSearch("Stra\xC3\x9F"
                        "e") == "strasse");
}

TEST_CASE("jaroWinkler is a similarity in [0, 1], symmetric, 1 for equal strings") {
    const auto genWord = [] {
        return rc::gen::oneOf(rc::gen::container<std::string>(rc::gen::element('a', 'b', 'c', 'd', 'e', ' ')),
                              rc::gen::arbitrary<std::string>());
    };
    CHECK(rc::check("bounds, symmetry and identity", [&] {
        const std::string a = *genWord();
        const std::string b =
            *rc::gen::oneOf(genWord(), rc::gen::just(a + "x"), rc::gen::just(a.substr(0, a.size() / 2)));
        const double ab = jaroWinkler(a, b);
        const double ba = jaroWinkler(b, a);
        RC_ASSERT(ab >= 0.0);
        RC_ASSERT(ab <= 1.0);
        RC_ASSERT(std::abs(ab - ba) < 1e-12);
        RC_ASSERT(jaroWinkler(a, a) == 1.0);
        if (a != b) RC_ASSERT(ab < 1.0);
    }));
    // Known values, so the properties are not met by a constant.
    CHECK(jaroWinkler("martha", "marhta") == doctest::Approx(0.9611).epsilon(0.0005));
    CHECK(jaroWinkler("dixon", "dicksonx") == doctest::Approx(0.8133).epsilon(0.0005));
    CHECK(jaroWinkler("abc", "xyz") == 0.0);
}

TEST_CASE("HybridLogicalClock::now strictly increases whatever the wall clock does") {
    CHECK(rc::check("now() after any sequence of clock moves", [] {
        const auto moves = *rc::gen::container<std::vector<std::int64_t>>(genClockMove());
        ManualClock clock(kTestNowMs);
        HybridLogicalClock hlc(clock);
        HlcStamp previous = hlc.now();
        for (const std::int64_t move : moves) {
            clock.set(clampWall(clock.nowMs() + move));
            const HlcStamp next = hlc.now();
            RC_ASSERT(previous < next);
            // Never behind the wall clock.
            RC_ASSERT(next.wallMs >= clock.nowMs());
            previous = next;
        }
    }));
}

TEST_CASE("HybridLogicalClock::observe never leaves the clock behind a remote stamp") {
    CHECK(rc::check("observe(remote) then now() is past remote and past every earlier stamp", [] {
        const auto ops = *genClockOps();
        ManualClock clock(kTestNowMs);
        HybridLogicalClock hlc(clock);
        HlcStamp previous = hlc.now();
        for (const ClockOp& op : ops) {
            clock.set(clampWall(clock.nowMs() + op.move));
            if (op.observe) {
                const HlcStamp remote{clampWall(clock.nowMs() + op.remoteOffset), op.remoteCounter};
                hlc.observe(remote);
                RC_ASSERT(hlc.last() >= remote);
                RC_ASSERT(hlc.last() > previous);
                previous = hlc.last();
                const HlcStamp next = hlc.now();
                RC_ASSERT(next > remote);
                RC_ASSERT(next > previous);
                previous = next;
            } else {
                const HlcStamp next = hlc.now();
                RC_ASSERT(next > previous);
                previous = next;
            }
        }
    }));
}

// HlcStamp::encode() writes the counter with {:04x}. Past 0xFFFF the text
// grows to 18 characters: it then sorts before smaller stamps ("...-10000" <
// "...-ffff") and HlcStamp::decode() refuses it, so PersonalStore cannot
// restore the clock after a restart. The counter passes 0xFFFF after 65536
// local writes while the wall clock is behind the last stamp (a kiosk whose
// clock was set back), or at once when observing a remote stamp at 0xFFFF.
TEST_CASE("encoded HLC stamps keep causal order and round-trip") {
    CHECK(rc::check("encode() of successive stamps is fixed-width, ordered and decodable", [] {
        const auto ops = *genClockOps();
        ManualClock clock(kTestNowMs);
        HybridLogicalClock hlc(clock);
        std::string previous = hlc.now().encode();
        const auto accept = [&](const HlcStamp& stamp) {
            const std::string text = stamp.encode();
            RC_ASSERT(text.size() == 17u);
            HlcStamp back;
            RC_ASSERT(HlcStamp::decode(text, back));
            RC_ASSERT(back == stamp);
            RC_ASSERT(previous < text);
            previous = text;
        };
        for (const ClockOp& op : ops) {
            clock.set(clampWall(clock.nowMs() + op.move));
            if (op.observe) {
                hlc.observe(HlcStamp{clampWall(clock.nowMs() + op.remoteOffset), op.remoteCounter});
                accept(hlc.last());
            }
            accept(hlc.now());
        }
    }));

    SUBCASE("65536 writes while the wall clock is a day behind") {
        ManualClock clock(kTestNowMs);
        HybridLogicalClock hlc(clock);
        std::string previous = hlc.now().encode();
        clock.set(kTestNowMs - 24LL * 3600 * 1000);
        std::size_t firstBad = 0;
        for (std::size_t i = 1; i <= 70000 && firstBad == 0; ++i) {
            const std::string text = hlc.now().encode();
            if (text.size() != 17 || !(previous < text)) firstBad = i;
            previous = text;
        }
        CAPTURE(previous);
        CHECK(firstBad == 0);
    }
}
