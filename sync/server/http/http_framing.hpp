#pragma once
// Where an HTTP/1.1 request ends, found by ConnectionGate before any of it is
// handed on: the end of the header block, the few headers that frame the
// body, and the end of a chunked body. Nothing else of the request is
// interpreted here (httplib parses it again, from memory, with only these
// bytes in front of it, so the two cannot disagree about where it ends).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "sync/protocol/sync_error.hpp"

namespace chasqui::sync {

// Offset just past the blank line ending the header block, or nothing yet.
// `scanned` keeps how far earlier calls looked.
std::optional<std::size_t> headerBlockEnd(std::string_view received, std::size_t& scanned);

struct RequestHead {
    std::string method;
    std::string path;  // without the query
    std::size_t contentLength = 0;
    bool chunked = false;
};

// bad_request for a request line or framing the gate will not guess at:
// several or unreadable Content-Length, a transfer coding other than chunked,
// both, or folded header lines.
SyncResult<RequestHead> parseRequestHead(std::string_view head);

// Follows a chunked body through the bytes of a connection.
class ChunkedBody {
public:
    enum class State { NeedMore, Complete, Malformed, TooLarge };
    // `start`: the body's first byte in the connection's buffer.
    ChunkedBody(std::size_t start, std::size_t maxDataBytes) : m_pos(start), m_max(maxDataBytes) {}
    // Looks at the bytes of `received` not seen yet.
    State advance(std::string_view received);
    std::size_t end() const { return m_pos; }  // past the body, once Complete

private:
    enum class Step { Size, Extension, Data, DataEnd, Trailer, Done };
    std::size_t m_pos;
    std::size_t m_max;
    Step m_step = Step::Size;
    std::size_t m_size = 0;
    bool m_digits = false;
    std::size_t m_left = 0;
    std::size_t m_data = 0;
    std::size_t m_lineBytes = 0;
    std::size_t m_trailerBytes = 0;
};

}  // namespace chasqui::sync
