#pragma once
// One untrusted input through everything chasqui-server does with a request
// it did not make itself:
//   - as the body of every endpoint that takes one: enrollment, a push sent
//     as is (reaches the signature check), and signed by the kiosk: as is
//     (reaches the box), sealed to the server (reaches the decompressor) and
//     sealed and compressed (reaches the batch JSON, the columns and every
//     change behind the authentication), and a request for an enrollment code;
//   - as the query string of a pull and of a catalog request, and as the
//     device id in the path of an admin revoke;
//   - as a whole raw HTTP request (request line, headers, body);
// and through the decoders alone: JSON, change records (which must encode and
// decode again to the same record), columns, zstd frames and the embedded
// store's record blobs (as a damaged disk could hold them).
//
// The requests go through HttpApi installed on a real httplib::Server and are
// read from memory instead of a socket, so httplib's request parsing, the
// routing and every check of sync/server/http/http_api.cpp run as in production,
// against a real ServerCore with one enrolled kiosk (the device of the seed
// corpus, office TUM), a published catalog and a fixed clock. The device and
// admin tokens are random: only the routes built here hold them, so a raw
// request can never revoke the kiosk and leave every later push a 403.
//
// Used by the libFuzzer target (server_request_fuzzer.cpp, clang) and by the
// random/mutation sweep (random_input_test.cpp, gcc and ASan builds).
//
// Threading: one input at a time; a FuzzEntry is not shared between threads.
#include <expected>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace chasqui::test {

struct FeedResult {
    struct Answer {
        std::string
            route;       // "raw", "enroll", "push", "push signed", "push sealed", "push sealed+compressed", "pull", ...
        int status = 0;  // 0: the server closed the connection without an answer
    };
    std::vector<Answer> answers;  // one per request, in the order sent
    int decodedChanges = 0;       // changes that decoded with the decoders alone
    // What broke the API's contract (sync/server/http/http_api.hpp): a 5xx (the
    // server failed on an input, e.g. an exception that httplib turned into
    // 500), an error without its {"error": {"code", "message"}} body, no
    // answer to a well-formed request, or a change that does not survive
    // encoding and decoding again. Empty when the input was handled as it
    // should be.
    std::vector<std::string> problems;

    int statusOf(std::string_view route) const;  // 0 when the route was not sent
};

class FuzzEntry {
public:
    // Opens a new ServerCore in `dir` (created if missing; the caller removes
    // it) and enrolls the kiosk. The message says what failed.
    static std::expected<std::unique_ptr<FuzzEntry>, std::string> open(const std::filesystem::path& dir);
    ~FuzzEntry();
    FuzzEntry(const FuzzEntry&) = delete;
    FuzzEntry& operator=(const FuzzEntry&) = delete;

    // Every route and decoder above, one after the other. An exception
    // escaping from here is a finding too.
    FeedResult feed(std::string_view data);

    // The decoders alone: a change record, or {"columns": {...}} as in a
    // batch or a page. Returns how many changes decoded; appends to
    // `problems` a change that does not encode and decode to itself.
    static int decodeChanges(std::string_view json, std::vector<std::string>& problems);
    static void checkRecordBlob(std::string_view data, std::vector<std::string>& problems);
    static void checkPgRecordFields(std::string_view data, std::vector<std::string>& problems);

private:
    struct State;
    explicit FuzzEntry(std::unique_ptr<State> state);
    std::unique_ptr<State> m_state;
};

}  // namespace chasqui::test
