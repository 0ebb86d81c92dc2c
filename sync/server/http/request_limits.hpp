#pragma once
// What one request may cost the server, decided before it is parsed
// (sync/PROTOCOL.md section 4, "Limits"): per endpoint, the body as sent, the
// body once decompressed (gzip by HTTP, zstd inside a sealed push) and its
// expansion ratio, and the JSON's element count and depth, counted as the DOM
// is built, which stops at the first value over a limit. On top, one
// MemoryBudget bounds the bytes held by all requests at once: a request that
// would pass it is answered 503 `busy` with Retry-After instead of running the
// process out of memory.
#include <atomic>
#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sync/protocol/sync_error.hpp"

namespace chasqui::sync {

struct EndpointLimits {
    std::size_t maxBodyBytes = 0;     // as received (compressed or not)
    std::size_t maxDecodedBytes = 0;  // after gzip or zstd
    std::size_t maxExpansion = 0;     // decoded / received, checked beyond kFreeExpansionBytes
    std::size_t maxJsonElements = 0;  // values, containers included
    int maxJsonDepth = 0;
};

// Below this many decoded bytes any expansion is allowed: small JSON
// compresses far better than large JSON, and costs nothing.
constexpr std::size_t kFreeExpansionBytes = 256u * 1024u;

// By method and path (no query). Unauthenticated endpoints get the smallest.
const EndpointLimits& limitsFor(std::string_view method, std::string_view path);

// The decoded size allowed for `received` bytes under `limits`.
std::size_t decodedAllowance(const EndpointLimits& limits, std::size_t received);

// Bytes held by requests in flight, shared by every connection and handler.
class MemoryBudget {
public:
    explicit MemoryBudget(std::size_t totalBytes) : m_total(totalBytes) {}
    bool take(std::size_t bytes);                       // false, taking nothing, when it would pass the total
    void force(std::size_t bytes) { m_used += bytes; }  // for what is already allocated
    void give(std::size_t bytes) { m_used -= bytes; }
    std::size_t used() const { return m_used; }
    std::size_t total() const { return m_total; }

private:
    const std::size_t m_total;
    std::atomic<std::size_t> m_used{0};
};

// A share of a MemoryBudget, given back when destroyed.
class Reservation {
public:
    Reservation() = default;
    explicit Reservation(MemoryBudget& budget) : m_budget(&budget) {}
    ~Reservation() { release(); }
    Reservation(Reservation&& other) noexcept : m_budget(other.m_budget), m_bytes(other.m_bytes) { other.m_bytes = 0; }
    Reservation& operator=(Reservation&& other) noexcept;
    Reservation(const Reservation&) = delete;
    Reservation& operator=(const Reservation&) = delete;

    bool grow(std::size_t bytes);  // false when the budget is spent
    void growAnyway(std::size_t bytes);
    void release();
    std::size_t bytes() const { return m_bytes; }

private:
    MemoryBudget* m_budget = nullptr;
    std::size_t m_bytes = 0;
};

SyncError busyError();  // Busy (503 busy); the answer carries Retry-After: kRetryAfterSeconds
constexpr int kRetryAfterSeconds = 5;
SyncError tooLargeError(std::string_view what);

struct JsonShape {
    std::size_t elements = 0;
    std::size_t stringBytes = 0;  // strings and keys
    int depth = 0;
};

// `text` parsed in one pass, counting as it goes: bad_request (not JSON, too
// deep) or too_large (too many elements), stopping at the first element over
// a limit; the DOM's cost (domBytes, times `domCopies` for copies the caller
// will make) is taken from `cost` as the DOM grows, and busy stops the parse
// when the budget cannot pay.
SyncResult<nlohmann::json> parseLimitedJson(std::string_view text, const EndpointLimits& limits, std::string_view what,
                                            Reservation& cost, std::size_t domCopies = 1);

// What nlohmann's DOM of that shape costs, over-estimated (map nodes,
// string headers, vector slack).
std::size_t domBytes(const JsonShape& shape);

}  // namespace chasqui::sync
