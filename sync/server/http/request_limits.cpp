#include "sync/server/http/request_limits.hpp"

#include <algorithm>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace chasqui::sync {

namespace {

constexpr std::size_t kKiB = 1024;
constexpr std::size_t kMiB = 1024 * kKiB;

// Enrollment and admin requests are a few short strings (about 200 bytes).
constexpr EndpointLimits kSmallJson{4 * kKiB, 4 * kKiB, 16, 32, 2};
// A GET carries no body; a stray one is tolerated up to this.
constexpr EndpointLimits kNoBody{1 * kKiB, 1 * kKiB, 16, 0, 0};
// A push of 1000 changes: each has 9 short values and at most 40 fields and
// 41 clocks, so 100 000 elements and about 2 MiB of JSON even with long
// texts; zstd shrinks it 5 to 30 times. Twice that is allowed.
constexpr EndpointLimits kPush{4 * kMiB, 8 * kMiB, 64, 200'000, 8};

}  // namespace

const EndpointLimits& limitsFor(std::string_view method, std::string_view path) {
    if (method == "POST") {
        if (path == "/v1/push") return kPush;
        return kSmallJson;  // enroll, admin enroll-codes and revoke, unknown paths
    }
    return kNoBody;
}

std::size_t decodedAllowance(const EndpointLimits& limits, std::size_t received) {
    const std::size_t byRatio = std::max(kFreeExpansionBytes, received * limits.maxExpansion);
    return std::min(limits.maxDecodedBytes, byRatio);
}

bool MemoryBudget::take(std::size_t bytes) {
    std::size_t used = m_used.load();
    do {
        if (bytes > m_total || used > m_total - bytes) return false;
    } while (!m_used.compare_exchange_weak(used, used + bytes));
    return true;
}

Reservation& Reservation::operator=(Reservation&& other) noexcept {
    if (this != &other) {
        release();
        m_budget = other.m_budget;
        m_bytes = other.m_bytes;
        other.m_bytes = 0;
    }
    return *this;
}

bool Reservation::grow(std::size_t bytes) {
    if (m_budget == nullptr || !m_budget->take(bytes)) return false;
    m_bytes += bytes;
    return true;
}

void Reservation::growAnyway(std::size_t bytes) {
    if (m_budget == nullptr) return;
    m_budget->force(bytes);
    m_bytes += bytes;
}

void Reservation::release() {
    if (m_budget != nullptr && m_bytes > 0) m_budget->give(m_bytes);
    m_bytes = 0;
}

SyncError busyError() {
    return syncError(SyncErrorCode::Busy,
                     fmt::format("the server is busy with other requests; retry in {} seconds", kRetryAfterSeconds));
}

SyncError tooLargeError(std::string_view what) {
    return syncError(SyncErrorCode::TooLarge, fmt::format("{}; the limits are in sync/PROTOCOL.md", what));
}

namespace {

using json = nlohmann::json;

// Counts and stops: returning false ends nlohmann's parse at once.
class ShapeCounter final : public nlohmann::json_sax<json> {
public:
    explicit ShapeCounter(const EndpointLimits& limits) : m_limits(limits) {}

    bool null() override { return value(); }
    bool boolean(bool) override { return value(); }
    bool number_integer(number_integer_t) override { return value(); }
    bool number_unsigned(number_unsigned_t) override { return value(); }
    bool number_float(number_float_t, const string_t&) override { return value(); }
    bool string(string_t& s) override {
        shape.stringBytes += s.size();
        return value();
    }
    bool binary(binary_t&) override { return value(); }
    bool key(string_t& k) override {
        shape.stringBytes += k.size();
        return true;
    }
    bool start_object(std::size_t) override { return open(); }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override { return open(); }
    bool end_array() override { return close(); }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
        invalid = true;
        return false;
    }

    JsonShape shape;
    bool invalid = false;
    bool tooMany = false;
    bool tooDeep = false;

private:
    bool value() {
        if (++shape.elements > m_limits.maxJsonElements) {
            tooMany = true;
            return false;
        }
        return true;
    }
    bool open() {
        if (++m_depth > m_limits.maxJsonDepth) {
            tooDeep = true;
            return false;
        }
        shape.depth = std::max(shape.depth, m_depth);
        return value();
    }
    bool close() {
        --m_depth;
        return true;
    }

    const EndpointLimits& m_limits;
    int m_depth = 0;
};

// nlohmann's own DOM builder behind the counter: each event is counted and
// checked first, and the DOM's cost is paid as it grows, every kPayEvery
// values, so a request the budget cannot pay for stops with at most that
// many values built.
class LimitedDom final : public nlohmann::json_sax<json> {
public:
    LimitedDom(json& root, const EndpointLimits& limits, Reservation& cost, std::size_t copies)
        : counter(limits), m_dom(root, false), m_cost(cost), m_copies(copies) {}

    bool null() override { return counter.null() && paid() && m_dom.null(); }
    bool boolean(bool b) override { return counter.boolean(b) && paid() && m_dom.boolean(b); }
    bool number_integer(number_integer_t n) override {
        return counter.number_integer(n) && paid() && m_dom.number_integer(n);
    }
    bool number_unsigned(number_unsigned_t n) override {
        return counter.number_unsigned(n) && paid() && m_dom.number_unsigned(n);
    }
    bool number_float(number_float_t n, const string_t& s) override {
        return counter.number_float(n, s) && paid() && m_dom.number_float(n, s);
    }
    bool string(string_t& s) override { return counter.string(s) && paid() && m_dom.string(s); }
    bool binary(binary_t& b) override { return counter.binary(b) && paid() && m_dom.binary(b); }
    bool key(string_t& k) override { return counter.key(k) && m_dom.key(k); }
    bool start_object(std::size_t n) override { return counter.start_object(n) && paid() && m_dom.start_object(n); }
    bool end_object() override { return counter.end_object() && m_dom.end_object(); }
    bool start_array(std::size_t n) override { return counter.start_array(n) && paid() && m_dom.start_array(n); }
    bool end_array() override { return counter.end_array() && m_dom.end_array(); }
    bool parse_error(std::size_t at, const std::string& token, const nlohmann::detail::exception& e) override {
        counter.parse_error(at, token, e);
        return m_dom.parse_error(at, token, e);
    }

    // Pays for what is left; false when the budget is spent.
    bool settle() { return pay(); }

    ShapeCounter counter;
    bool busy = false;

private:
    static constexpr std::size_t kPayEvery = 4096;

    bool paid() { return counter.shape.elements - m_paid.elements < kPayEvery || pay(); }
    bool pay() {
        const JsonShape due{counter.shape.elements - m_paid.elements, counter.shape.stringBytes - m_paid.stringBytes,
                            0};
        if (!m_cost.grow(domBytes(due) * m_copies)) {
            busy = true;
            return false;
        }
        m_paid = counter.shape;
        return true;
    }

    nlohmann::detail::json_sax_dom_parser<json> m_dom;
    Reservation& m_cost;
    const std::size_t m_copies;
    JsonShape m_paid;
};

}  // namespace

SyncResult<json> parseLimitedJson(std::string_view text, const EndpointLimits& limits, std::string_view what,
                                  Reservation& cost, std::size_t domCopies) {
    json root;
    LimitedDom dom(root, limits, cost, domCopies);
    const bool complete = json::sax_parse(text, &dom, json::input_format_t::json, true, false);
    const ShapeCounter& counter = dom.counter;
    if (counter.tooDeep)
        return syncFail(SyncErrorCode::BadRequest,
                        fmt::format("{} is nested deeper than {} levels", what, limits.maxJsonDepth));
    if (counter.tooMany)
        return std::unexpected(
            tooLargeError(fmt::format("{} holds more than {} JSON values", what, limits.maxJsonElements)));
    if (dom.busy) return std::unexpected(busyError());
    if (!complete || counter.invalid)
        return syncFail(SyncErrorCode::BadRequest, fmt::format("{} is not valid JSON", what));
    if (!dom.settle()) return std::unexpected(busyError());
    return root;
}

std::size_t domBytes(const JsonShape& shape) {
    // 16 bytes a value, about 64 more for an object member's map node and key
    // header, and the text of strings and keys again on the heap.
    return shape.elements * 96 + shape.stringBytes * 2;
}

}  // namespace chasqui::sync
