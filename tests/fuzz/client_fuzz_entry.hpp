#pragma once
// One untrusted input through every decoder the kiosk runs on what a server
// sent it or what its own sync files hold (no network, no files: the same
// functions HttpServerChannel, syncSpool, mergeSpool and loadDeviceLink call):
//   - as the body of an answer to health, enroll, push, pull and catalog, with
//     statuses 200, 304, 401, 403, 500 and 503 (so the error body decoder too);
//   - its first lines as the headers of a pull page (Chasqui-Next-Cursor,
//     Chasqui-More) and of a catalog (Chasqui-Catalog-Version), the rest as
//     the body; the catalog document through storage::parseCatalogJson;
//   - as DIR/sync/device.json, an outbox file name, acked_seq, and an inbox
//     page file (raw, and as a page the server sealed to the device: opened,
//     its columns split and every change decoded as mergeSpool does).
// Besides not crashing or throwing, what a decoder accepts must be within the
// limits of sync/protocol/protocol_limits.hpp; a breach is reported in `problems`.
//
// Used by the libFuzzer target (client_answer_fuzzer.cpp, clang) and by the
// random/mutation sweep (client_random_input_test.cpp, gcc and ASan builds).
// Pure apart from a fixed key pair made once; one input at a time per thread.
#include <string>
#include <string_view>
#include <vector>

namespace chasqui::test {

struct ClientFeedResult {
    int accepted = 0;        // answers and files a decoder accepted
    int decodedChanges = 0;  // changes decoded from the input as a sealed page
    std::vector<std::string> problems;
};

ClientFeedResult feedClient(std::string_view data);

}  // namespace chasqui::test
