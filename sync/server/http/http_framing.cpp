#include "sync/server/http/http_framing.hpp"

#include <algorithm>
#include <charconv>

namespace chasqui::sync {

namespace {

constexpr std::size_t kMaxChunkLineBytes = 256;
constexpr std::size_t kMaxTrailerBytes = 4096;

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool sameName(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

SyncResult<RequestHead> badFraming(std::string_view why) {
    return syncFail(SyncErrorCode::BadRequest, std::string(why));
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

}  // namespace

std::optional<std::size_t> headerBlockEnd(std::string_view received, std::size_t& scanned) {
    // A blank line is LF, optional CR, LF; a line may end in LF alone.
    for (std::size_t i = scanned; i < received.size(); ++i) {
        if (received[i] != '\n') continue;
        if (i + 1 < received.size() && received[i + 1] == '\n') return i + 2;
        if (i + 2 < received.size() && received[i + 1] == '\r' && received[i + 2] == '\n') return i + 3;
    }
    scanned = received.size() > 2 ? received.size() - 2 : 0;
    return std::nullopt;
}

SyncResult<RequestHead> parseRequestHead(std::string_view head) {
    RequestHead out;
    std::size_t lineEnd = head.find('\n');
    const std::string_view requestLine = trim(head.substr(0, lineEnd));
    const std::size_t space1 = requestLine.find(' ');
    const std::size_t space2 = requestLine.find(' ', space1 == std::string_view::npos ? 0 : space1 + 1);
    if (space1 == std::string_view::npos || space2 == std::string_view::npos || space1 == 0)
        return badFraming("the request line is not METHOD PATH HTTP/1.1");
    out.method = std::string(requestLine.substr(0, space1));
    const std::string_view target = requestLine.substr(space1 + 1, space2 - space1 - 1);
    out.path = std::string(target.substr(0, target.find('?')));

    bool haveLength = false;
    bool haveCoding = false;
    while (lineEnd != std::string_view::npos && lineEnd + 1 < head.size()) {
        const std::size_t start = lineEnd + 1;
        lineEnd = head.find('\n', start);
        const std::string_view line =
            head.substr(start, lineEnd == std::string_view::npos ? head.npos : lineEnd - start);
        if (trim(line).empty()) break;  // the blank line
        if (line.front() == ' ' || line.front() == '\t') return badFraming("folded header lines are not accepted");
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) return badFraming("a header line has no ':'");
        const std::string_view name = line.substr(0, colon);
        const std::string_view value = trim(line.substr(colon + 1));
        if (sameName(name, "Content-Length")) {
            std::size_t length = 0;
            const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
            if (haveLength || value.empty() || ec != std::errc() || end != value.data() + value.size())
                return badFraming("Content-Length must be given once, as a whole number");
            haveLength = true;
            out.contentLength = length;
        } else if (sameName(name, "Transfer-Encoding")) {
            if (haveCoding || !sameName(value, "chunked"))
                return badFraming("the only transfer coding understood is chunked, given once");
            haveCoding = true;
            out.chunked = true;
        }
    }
    if (haveLength && haveCoding) return badFraming("send Content-Length or Transfer-Encoding, not both");
    return out;
}

ChunkedBody::State ChunkedBody::advance(std::string_view received) {
    while (m_pos < received.size()) {
        const char c = received[m_pos];
        switch (m_step) {
            case Step::Size:
            case Step::Extension:
                if (++m_lineBytes > kMaxChunkLineBytes) return State::Malformed;
                if (c == '\n') {
                    if (!m_digits) return State::Malformed;
                    m_step = m_size == 0 ? Step::Trailer : Step::Data;
                    m_left = m_size;
                    m_size = 0;
                    m_digits = false;
                    m_lineBytes = 0;
                } else if (m_step == Step::Extension || c == '\r') {
                    // extensions are skipped
                } else if (c == ';' || c == ' ' || c == '\t') {
                    m_step = Step::Extension;
                } else {
                    const int v = hexValue(c);
                    if (v < 0) return State::Malformed;
                    if (m_size > (m_max + 1) / 16 + 1) return State::TooLarge;
                    m_size = m_size * 16 + static_cast<std::size_t>(v);
                    m_digits = true;
                    if (m_data + m_size > m_max) return State::TooLarge;
                }
                ++m_pos;
                break;
            case Step::Data: {
                const std::size_t n = std::min(m_left, received.size() - m_pos);
                m_left -= n;
                m_data += n;
                m_pos += n;
                if (m_left == 0) m_step = Step::DataEnd;
                break;
            }
            case Step::DataEnd:
                if (c == '\n') {
                    m_step = Step::Size;
                } else if (c != '\r') {
                    return State::Malformed;
                }
                ++m_pos;
                break;
            case Step::Trailer:
                if (++m_trailerBytes > kMaxTrailerBytes) return State::Malformed;
                ++m_pos;
                if (c == '\n') {
                    if (m_lineBytes == 0) {
                        m_step = Step::Done;
                        return State::Complete;
                    }
                    m_lineBytes = 0;
                } else if (c != '\r') {
                    ++m_lineBytes;
                }
                break;
            case Step::Done:
                return State::Complete;
        }
    }
    return m_step == Step::Done ? State::Complete : State::NeedMore;
}

}  // namespace chasqui::sync
