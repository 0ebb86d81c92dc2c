#include "sync/client/curl_transport.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <memory>
#include <mutex>
#include <string_view>

namespace chasqui::sync {
namespace {

// Response headers beyond this are not a Chasqui server talking.
constexpr std::size_t kMaxHeaderBytes = std::size_t{256} * 1024;
constexpr const char* kUserAgent = "chasqui-kiosk";

// libcurl's global state is set up once per process before the first handle
// and never torn down (handles may outlive any owner we could pick).
std::once_flag g_curlInitOnce;
CURLcode g_curlInitResult = CURLE_FAILED_INIT;

CURLcode initCurlOnce() {
    std::call_once(g_curlInitOnce, [] { g_curlInitResult = curl_global_init(CURL_GLOBAL_DEFAULT); });
    return g_curlInitResult;
}

struct UrlFree {
    void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlStringFree {
    void operator()(char* text) const { curl_free(text); }
};
struct SlistFree {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlFree>;
using HeaderList = std::unique_ptr<curl_slist, SlistFree>;

std::string urlPart(CURLU* url, CURLUPart part) {
    char* raw = nullptr;
    if (curl_url_get(url, part, &raw, 0) != CURLUE_OK || raw == nullptr) return {};
    const std::unique_ptr<char, CurlStringFree> owned(raw);
    return std::string(raw);
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return detail::asciiLower(x) == detail::asciiLower(y);
           });
}

// A dotted quad starting with 127. curl_url() has already rewritten the
// shorthand forms (127.1, 0x7f.0.0.1) into this one; anything else that is
// left is refused rather than interpreted.
bool isLoopbackIpv4(std::string_view host) {
    int parts = 0;
    unsigned first = 0;
    while (true) {
        const auto dot = host.find('.');
        const std::string_view part = host.substr(0, dot);
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
        if (part.empty() || part.size() > 3 || ec != std::errc{} || end != part.data() + part.size() || value > 255)
            return false;
        if (parts++ == 0) first = value;
        if (dot == std::string_view::npos) break;
        host.remove_prefix(dot + 1);
    }
    return parts == 4 && first == 127;
}

bool isLoopbackHost(std::string_view host) {
    return equalsIgnoreCase(host, "localhost") || host == "[::1]" || isLoopbackIpv4(host);
}

// Header names are RFC 9110 tokens; values may not smuggle in another line.
bool isHeaderName(std::string_view name) {
    constexpr std::string_view kTokenPunctuation = "!#$%&'*+-.^_`|~";
    if (name.empty()) return false;
    for (char c : name) {
        const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alnum && kTokenPunctuation.find(c) == std::string_view::npos) return false;
    }
    return true;
}

bool isHeaderValue(std::string_view value) {
    return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

std::string requestProblem(const HttpRequest& request) {
    if (request.method.empty()) return "empty HTTP method";
    for (char c : request.method) {
        if (c < 'A' || c > 'Z') return fmt::format("bad HTTP method \"{}\"", request.method);
    }
    if ((request.method == "GET" || request.method == "HEAD") && !request.body.empty()) {
        return fmt::format("a {} request cannot carry a body", request.method);
    }
    for (const auto& [name, value] : request.headers) {
        if (!isHeaderName(name)) return fmt::format("bad header name \"{}\"", name);
        if (!isHeaderValue(value)) return fmt::format("bad value for header \"{}\"", name);
    }
    return {};
}

bool hasHeader(const HttpRequest& request, std::string_view name) {
    return std::ranges::any_of(request.headers,
                               [name](const auto& entry) { return equalsIgnoreCase(entry.first, name); });
}

// Parses the URL once; the same parsed handle is given to libcurl
// (CURLOPT_CURLU) so the host we vetted is the host curl connects to.
SyncResult<UrlHandle> parseUrl(const std::string& text, bool& loopback) {
    UrlHandle url(curl_url());
    if (!url)
        return syncFail(SyncErrorCode::Internal, "Out of memory while preparing a sync request. Restart the kiosk.");
    if (curl_url_set(url.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
        return syncFail(
            SyncErrorCode::Internal,
            fmt::format("The server address \"{}\" is not a valid URL. Ask an administrator to correct it.", text));
    }
    const std::string scheme = urlPart(url.get(), CURLUPART_SCHEME);
    const std::string host = urlPart(url.get(), CURLUPART_HOST);
    loopback = isLoopbackHost(host);
    if (scheme == "https" || (scheme == "http" && loopback)) return url;
    return syncFail(SyncErrorCode::TlsFailure,
                    fmt::format("Refused to contact {} over {}://: the connection would not be encrypted. The server "
                                "address must start with https:// (plain http:// is allowed only to this computer, "
                                "for tests). Ask an administrator to correct the server address.",
                                host.empty() ? text : host, scheme));
}

HeaderList buildHeaders(const HttpRequest& request, bool& ok) {
    curl_slist* list = nullptr;
    ok = true;
    const auto add = [&](const std::string& line) {
        curl_slist* grown = curl_slist_append(list, line.c_str());
        if (grown == nullptr)
            ok = false;
        else
            list = grown;
    };
    for (const auto& [name, value] : request.headers) {
        // "Name;" is curl's spelling for a header sent with an empty value.
        std::string line = name;
        line += value.empty() ? ";" : ": ";
        line += value;
        add(line);
    }
    // "Expect: 100-continue" would cost a round trip (seconds on 2G) before
    // every larger upload; the server refuses bad credentials fast anyway.
    if (!hasHeader(request, "Expect")) add("Expect:");
    // Without this curl labels every body as a URL-encoded form.
    const bool sendsBody = request.method != "GET" && request.method != "HEAD";
    if (sendsBody && !hasHeader(request, "Content-Type")) add("Content-Type: application/octet-stream");
    return HeaderList(list);
}

// What the callbacks collect during one exchange.
struct Transfer {
    bool headersComplete = false;  // the blank line ending the final response's headers arrived
    std::size_t maxBodyBytes = 0;
    std::string body;
    HttpHeaders headers;
    std::size_t headerBytes = 0;
    std::uint64_t wireSent = 0;
    std::uint64_t wireReceived = 0;
    bool tooLarge = false;
};

std::size_t onBody(char* data, std::size_t size, std::size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    if (bytes > transfer->maxBodyBytes - transfer->body.size()) {
        transfer->tooLarge = true;
        return 0;  // a short count makes curl abort with CURLE_WRITE_ERROR
    }
    transfer->body.append(data, bytes);
    return bytes;
}

std::string_view trim(std::string_view text) {
    constexpr std::string_view kSpace = " \t\r\n";
    const auto first = text.find_first_not_of(kSpace);
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    transfer->headerBytes += bytes;
    if (transfer->headerBytes > kMaxHeaderBytes) {
        transfer->tooLarge = true;
        return 0;
    }
    const std::string_view line(data, bytes);
    // A status line starts a new response (after "100 Continue" or similar):
    // only the final response's headers are kept.
    if (line.starts_with("HTTP/")) {
        transfer->headers.clear();
        transfer->headersComplete = false;
    } else if (trim(line).empty()) {
        transfer->headersComplete = true;
    } else if (const auto colon = line.find(':'); colon != std::string_view::npos && colon > 0) {
        transfer->headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                       std::string(trim(line.substr(colon + 1))));
    }
    return bytes;
}

SyncError curlFailure(CURLcode code, const Transfer& transfer, std::string_view detail, std::string_view host,
                      std::size_t maxBytes) {
    constexpr const char* kRetry = "The kiosk keeps working offline and will retry.";
    switch (code) {
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
            return syncError(SyncErrorCode::Offline,
                             fmt::format("No connection to the server (could not resolve host {}). {}", host, kRetry));
        case CURLE_COULDNT_CONNECT:
            return syncError(SyncErrorCode::Offline,
                             fmt::format("No connection to the server (could not connect to {}). {}", host, kRetry));
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_PARTIAL_FILE:
        case CURLE_GOT_NOTHING:
            return syncError(
                SyncErrorCode::Offline,
                fmt::format("The connection to the server broke off during the transfer ({}). {}", detail, kRetry));
        case CURLE_OPERATION_TIMEDOUT:
            return syncError(SyncErrorCode::Timeout,
                             fmt::format("The server did not answer in time: the link is too slow or stalled ({}). {}",
                                         detail, kRetry));
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return syncError(
                SyncErrorCode::PinMismatch,
                "The server did not show the key this kiosk was set up to trust, so nothing was sent. Someone may be "
                "intercepting this network: tell an administrator.");
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CRL_BADFILE:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_INVALIDCERTSTATUS:
        case CURLE_SSL_SHUTDOWN_FAILED:
        case CURLE_SSL_ENGINE_NOTFOUND:
        case CURLE_SSL_ENGINE_SETFAILED:
        case CURLE_SSL_ENGINE_INITFAILED:
        case CURLE_SSL_CLIENTCERT:
        case CURLE_USE_SSL_FAILED:
            return syncError(
                SyncErrorCode::TlsFailure,
                fmt::format("Could not open a secure connection to the server ({}). Check that the kiosk's date and "
                            "time are right; on public Wi-Fi, sign in to the network first. The kiosk will retry.",
                            detail));
        case CURLE_FILESIZE_EXCEEDED:
            return syncError(
                SyncErrorCode::TooLarge,
                fmt::format("The server's answer is larger than the {} bytes this kiosk accepts, so it was not "
                            "downloaded. Tell an administrator.",
                            maxBytes));
        case CURLE_WRITE_ERROR:
            if (transfer.tooLarge) return curlFailure(CURLE_FILESIZE_EXCEEDED, transfer, detail, host, maxBytes);
            break;
        case CURLE_BAD_CONTENT_ENCODING:
        case CURLE_WEIRD_SERVER_REPLY:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
        case CURLE_TOO_MANY_REDIRECTS:
            return syncError(
                SyncErrorCode::BadResponse,
                fmt::format("The server's answer could not be read ({}). The kiosk will retry; if this keeps "
                            "happening, tell an administrator.",
                            detail));
        default:
            break;
    }
    return syncError(SyncErrorCode::Internal,
                     fmt::format("Sync failed inside the kiosk ({}). Please report this problem.", detail));
}

// Counts HTTP bytes as they cross the socket (before decoding, chunk framing
// included). CURLINFO_REQUEST_SIZE + SIZE_UPLOAD_T would count a small POST
// body twice, because curl sends it in the same write as the headers.
int onDebug(CURL*, curl_infotype type, char*, std::size_t size, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    if (type == CURLINFO_HEADER_OUT || type == CURLINFO_DATA_OUT) transfer->wireSent += size;
    if (type == CURLINFO_HEADER_IN || type == CURLINFO_DATA_IN) transfer->wireReceived += size;
    return 0;
}

}  // namespace

CurlTransport::CurlTransport(CurlOptions options) : m_options(std::move(options)) {
    if (initCurlOnce() == CURLE_OK) m_curl = curl_easy_init();
}

std::unique_ptr<HttpTransport> CurlTransport::another() const {
    return std::make_unique<CurlTransport>(m_options);
}

CurlTransport::~CurlTransport() {
    if (m_curl != nullptr) curl_easy_cleanup(static_cast<CURL*>(m_curl));
}

SyncResult<HttpResponse> CurlTransport::send(const HttpRequest& request) {
    if (m_curl == nullptr) {
        return syncFail(SyncErrorCode::Internal,
                        "The network library could not start. Restart the kiosk; if this keeps "
                        "happening, please report it.");
    }
    if (const std::string problem = requestProblem(request); !problem.empty()) {
        return syncFail(SyncErrorCode::Internal,
                        fmt::format("Sync built a bad request ({}). Please report this problem.", problem));
    }
    // Anything else would be read by libcurl as a file name, and a missing
    // file would then look like an interception (PinMismatch).
    if (!m_options.pinnedPublicKey.empty() && !m_options.pinnedPublicKey.starts_with("sha256//")) {
        return syncFail(SyncErrorCode::Internal,
                        "The pinned server key setting is not of the form sha256//<base64>. "
                        "Ask an administrator to correct it.");
    }
    bool loopback = false;
    auto url = parseUrl(request.url, loopback);
    if (!url) return std::unexpected(std::move(url.error()));
    bool headersOk = false;
    const HeaderList headers = buildHeaders(request, headersOk);
    if (!headersOk)
        return syncFail(SyncErrorCode::Internal, "Out of memory while preparing a sync request. Restart the kiosk.");

    // The run's deadline bounds this exchange too (0 = no deadline set).
    long timeoutMs = m_options.totalTimeoutS * 1000;
    if (m_options.deadline != std::chrono::steady_clock::time_point{}) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(m_options.deadline -
                                                                                std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return syncFail(SyncErrorCode::Timeout,
                            "This sync ran out of its time budget before the server finished; what arrived is kept "
                            "and the next sync goes on from there.");
        if (timeoutMs <= 0 || left.count() < timeoutMs) timeoutMs = static_cast<long>(left.count());
    }
    const std::size_t maxBytes = request.maxResponseBytes > 0
                                     ? std::min(request.maxResponseBytes, m_options.maxResponseBytes)
                                     : m_options.maxResponseBytes;

    auto* curl = static_cast<CURL*>(m_curl);
    Transfer transfer;
    transfer.maxBodyBytes = maxBytes;
    std::array<char, CURL_ERROR_SIZE> errorText{};
    // The handle holds pointers into this stack frame (buffers, header list,
    // URL) until reset; resetting on every exit keeps the connection cache but
    // drops them. Options are set from scratch for every request, so nothing
    // leaks from one request into the next.
    struct ResetOnExit {
        CURL* handle;
        ~ResetOnExit() { curl_easy_reset(handle); }
    } resetOnExit{curl};

    CURLcode setupResult = CURLE_OK;
    const auto set = [&](CURLoption option, auto value) {
        const CURLcode result = curl_easy_setopt(curl, option, value);
        if (setupResult == CURLE_OK) setupResult = result;
    };
    set(CURLOPT_CURLU, url->get());
    set(CURLOPT_PROTOCOLS_STR, "http,https");
    set(CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS timeouts: we run on a worker thread
    set(CURLOPT_SSL_VERIFYPEER, 1L);
    set(CURLOPT_SSL_VERIFYHOST, 2L);
    if (!m_options.caFile.empty()) set(CURLOPT_CAINFO, m_options.caFile.c_str());
    if (!m_options.pinnedPublicKey.empty()) set(CURLOPT_PINNEDPUBLICKEY, m_options.pinnedPublicKey.c_str());
    // A proxy from the environment must not turn a loopback test into a remote request.
    if (loopback) set(CURLOPT_PROXY, "");
    set(CURLOPT_CONNECTTIMEOUT, m_options.connectTimeoutS);
    set(CURLOPT_LOW_SPEED_LIMIT, m_options.lowSpeedLimitBytes);
    set(CURLOPT_LOW_SPEED_TIME, m_options.lowSpeedTimeS);
    set(CURLOPT_TIMEOUT_MS, timeoutMs);
    set(CURLOPT_TCP_KEEPALIVE, 1L);    // keeps NAT mappings of mobile carriers alive between requests
    set(CURLOPT_ACCEPT_ENCODING, "");  // every decoder libcurl has (gzip, deflate, br, zstd)
    // Refuses up front when Content-Length already says the answer is too big,
    // before any of it is paid for on a metered link.
    set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(maxBytes));
    set(CURLOPT_USERAGENT, kUserAgent);
    set(CURLOPT_HTTPHEADER, headers.get());
    set(CURLOPT_ERRORBUFFER, errorText.data());
    set(CURLOPT_WRITEFUNCTION, &onBody);
    set(CURLOPT_WRITEDATA, static_cast<void*>(&transfer));
    set(CURLOPT_HEADERFUNCTION, &onHeader);
    set(CURLOPT_HEADERDATA, static_cast<void*>(&transfer));
    set(CURLOPT_DEBUGFUNCTION, &onDebug);  // the byte counter; only called in verbose mode
    set(CURLOPT_DEBUGDATA, static_cast<void*>(&transfer));
    set(CURLOPT_VERBOSE, 1L);
    if (request.method == "GET") {
        set(CURLOPT_HTTPGET, 1L);
    } else if (request.method == "HEAD") {
        set(CURLOPT_NOBODY, 1L);
    } else {
        set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        set(CURLOPT_POSTFIELDS, request.body.data());
        if (request.method != "POST") set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    if (setupResult != CURLE_OK) {
        return syncFail(SyncErrorCode::Internal,
                        fmt::format("The network library refused a setting ({}). Please report this problem.",
                                    curl_easy_strerror(setupResult)));
    }

    const CURLcode result = curl_easy_perform(curl);
    if (result != CURLE_OK) {
        const std::string_view detail =
            errorText[0] != '\0' ? std::string_view(errorText.data()) : curl_easy_strerror(result);
        return std::unexpected(curlFailure(result, transfer, detail, urlPart(url->get(), CURLUPART_HOST), maxBytes));
    }
    // libcurl reports success when a connection drops inside the response
    // headers before any Content-Length: that is a cut, not an answer.
    if (!transfer.headersComplete) {
        return syncFail(SyncErrorCode::Offline,
                        "The connection to the server broke off during the transfer. The kiosk keeps working "
                        "offline and will retry.");
    }

    HttpResponse response;
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    response.headers = std::move(transfer.headers);
    response.body = std::move(transfer.body);
    response.bytesSent = transfer.wireSent;
    response.bytesReceived = transfer.wireReceived;
    return response;
}

}  // namespace chasqui::sync
