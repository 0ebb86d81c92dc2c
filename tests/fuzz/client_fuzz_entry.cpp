#include "tests/fuzz/client_fuzz_entry.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/base/secret.hpp"
#include "storage/base/validation.hpp"
#include "storage/catalog/catalog_import.hpp"
#include "sync/client/device_link.hpp"
#include "sync/client/server_answers.hpp"
#include "sync/client/spool_files.hpp"
#include "sync/protocol/change_codec.hpp"
#include "sync/protocol/protocol_limits.hpp"
#include "sync/protocol/sealed_box.hpp"

namespace chasqui::test {

namespace {

using sync::HttpResponse;

// The device's box key pair, as if kept in its store (made once per process).
const sync::BoxKeyPair& deviceKeys() {
    static const sync::BoxKeyPair keys = [] {
        storage::ensureSodium();
        return sync::BoxKeyPair::generate();
    }();
    return keys;
}

bool oneLine(std::string_view text) {
    for (const char c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
    return true;
}

// First line, rest.
std::pair<std::string, std::string> splitLine(std::string_view data) {
    const auto newline = data.find('\n');
    if (newline == std::string_view::npos) return {std::string(data), {}};
    return {std::string(data.substr(0, newline)), std::string(data.substr(newline + 1))};
}

void answers(std::string_view data, ClientFeedResult& out) {
    const auto problem = [&](std::string text) { out.problems.push_back(std::move(text)); };
    for (const int status : {200, 304, 401, 403, 500, 503}) {
        HttpResponse r{status, {}, std::string(data), 0, 0};
        if (status >= 400) {
            const sync::SyncError e = sync::decodeErrorAnswer(r);
            if (e.code == sync::SyncErrorCode::Revoked && status != 403) problem("revoked outside a 403");
            if (!oneLine(e.message) || e.message.empty() || e.message.size() > sync::kMaxErrorMessageBytes)
                problem("an error message that is not one line of the allowed size");
            if (!e.serverCode.empty() && !sync::isErrorCode(e.serverCode)) problem("an error code out of its charset");
            continue;
        }
        if (auto h = sync::decodeHealthAnswer(r)) {
            ++out.accepted;
            if (h->serverPublicKey.size() != sync::kServerKeyBytes || h->serverTimeMs < 0)
                problem("a health answer accepted with a bad key or time");
        }
        if (auto a = sync::decodeEnrollAnswer(r)) {
            ++out.accepted;
            if (!sync::isDeviceNumber(a->deviceNumber) || !sync::isDeviceToken(a->deviceToken) ||
                !storage::checkOfficeCode(a->office) || a->serverPublicKey.size() != sync::kServerKeyBytes)
                problem("an enrollment answer accepted outside the limits");
        }
        if (auto items = sync::decodePushAnswer(r)) {
            ++out.accepted;
            for (const auto& item : *items) {
                if (item.count < 0 || item.count > static_cast<int>(sync::kMaxChangesPerList))
                    problem("a push count out of range");
                if (item.status == "quarantined" &&
                    (!sync::isErrorCode(item.code) || !oneLine(item.message) || !oneLine(item.id)))
                    problem("a refused change accepted with a bad code, message or id");
            }
        }
    }
    // Headers from the input's first lines, the rest as the body.
    auto [cursor, rest] = splitLine(data);
    auto [more, body] = splitLine(rest);
    HttpResponse page{200, {{"Chasqui-Next-Cursor", cursor}, {"Chasqui-More", more}}, body, 0, 0};
    if (auto p = sync::decodePullAnswer(std::move(page))) {
        ++out.accepted;
        if (!sync::isCursor(p->nextCursor) || p->sealed.size() < 48 || p->sealed.size() > sync::kMaxPullPageBytes)
            problem("a page accepted with a bad cursor or size");
    }
    for (const int status : {200, 304}) {
        auto [version, document] = splitLine(data);
        HttpResponse catalog{status, {{"Chasqui-Catalog-Version", version}}, document, 0, 0};
        if (auto c = sync::decodeCatalogAnswer(std::move(catalog)); c && c->has_value()) {
            ++out.accepted;
            // The catalog store's own rule: 1..64 characters of one-line text.
            if (!storage::checkText("version", (*c)->version, 1, 64)) problem("a catalog version out of range");
            if (storage::parseCatalogJson((*c)->json)) ++out.accepted;
        }
    }
    if (storage::parseCatalogJson(data)) ++out.accepted;
}

void files(std::string_view data, ClientFeedResult& out) {
    const auto problem = [&](std::string text) { out.problems.push_back(std::move(text)); };
    if (auto link = sync::parseDeviceLink(data)) {
        ++out.accepted;
        if (!sync::isDeviceToken(link->deviceToken) ||
            (link->deviceNumber != 0 && !sync::isDeviceNumber(link->deviceNumber)))
            problem("a device.json accepted outside the limits");
    }
    if (auto n = sync::parseSpoolNumber(data); n && *n < 0) problem("a negative spool number");
    if (auto name = sync::parseOutboxName(data); name && (name->lastSeq < 0 || name->changes < -1))
        problem("an outbox name with a negative number");
    if (auto name = sync::parseOutboxName(data); name && name->independentOf >= name->lastSeq)
        problem("an outbox name independent of a batch sealed after it");
    if (auto page = sync::parseInboxPage(data)) {
        ++out.accepted;
        if (!sync::isCursor(page->cursor)) problem("an inbox page accepted with a bad cursor");
    }
}

// The input as the content of a page the server sealed to this device: what
// mergeSpool opens at sign-in (the columns, then each change).
void sealedPage(std::string_view data, ClientFeedResult& out) {
    const sync::BoxKeyPair& keys = deviceKeys();
    auto sealed = sync::sealCompressed(data, keys.publicKey);
    if (!sealed) {
        out.problems.push_back("sealCompressed failed: " + sealed.error().message);
        return;
    }
    const std::string content = "e1.1\n" + *sealed;
    auto page = sync::parseInboxPage(content);
    if (!page) {
        out.problems.push_back("a well-formed inbox page was refused");
        return;
    }
    auto opened = sync::openCompressed(page->sealed, keys.publicKey, keys.secretKey);
    if (!opened) {
        out.problems.push_back("a page sealed to the device does not open: " + opened.error().message);
        return;
    }
    const auto body = nlohmann::json::parse(*opened, nullptr, false);
    if (!body.is_object() || !body.contains("columns")) return;
    auto raws = sync::splitColumns(body["columns"]);
    if (!raws) return;
    for (const auto& raw : *raws)
        if (sync::decodeChange(raw)) ++out.decodedChanges;
}

}  // namespace

ClientFeedResult feedClient(std::string_view data) {
    ClientFeedResult out;
    answers(data, out);
    files(data, out);
    sealedPage(data, out);
    return out;
}

}  // namespace chasqui::test
