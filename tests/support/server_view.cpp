#include "tests/support/server_view.hpp"

#include <doctest/doctest.h>

#include <set>
#include <stdexcept>

namespace chasqui::test {

namespace {

template <typename T>
T must(sync::SyncResult<T> r, const char* what) {
    if (!r) throw std::runtime_error(std::string(what) + ": " + r.error().message);
    return std::move(*r);
}

}  // namespace

std::vector<nlohmann::json> serverLog(sync::ServerCore& server, const std::string& office) {
    std::vector<nlohmann::json> out;
    std::int64_t after = 0;
    for (;;) {
        // No device is excluded: an empty id matches none.
        auto page = must(server.repository().changesFor(office, "", after, 500, 1u << 30), "reading the log");
        for (const auto& p : page.payloads) out.push_back(nlohmann::json::parse(p));
        if (page.payloads.empty() || page.last >= page.newest) break;
        after = page.last;
    }
    return out;
}

std::map<std::tuple<std::string, std::string, std::string>, std::string> serverState(sync::ServerCore& server,
                                                                                     const std::string& office) {
    std::set<sync::RecordKey> keys;
    for (const auto& c : serverLog(server, office))
        keys.insert({c["entity"].get<std::string>(), c["record"].get<std::string>()});
    // A push transaction read and dropped: it changes nothing.
    auto tx = must(server.repository().beginPush(), "opening a read");
    auto records = must(tx->records({keys.begin(), keys.end()}), "reading records");
    std::map<std::tuple<std::string, std::string, std::string>, std::string> out;
    for (const auto& [key, state] : records) {
        if (state.office != office) continue;
        for (const auto& [field, stored] : state.fields) out[{key.entity, key.record, field}] = stored.value;
    }
    return out;
}

std::int64_t serverRecords(sync::ServerCore& server, const std::string& entity, const std::string& office) {
    const auto counts = must(server.repository().counts(), "counting");
    std::int64_t n = 0;
    for (const auto& o : counts.offices) {
        if (!office.empty() && o.office != office) continue;
        if (entity == "person")
            n += o.persons;
        else if (entity == "case")
            n += o.cases;
        else
            throw std::invalid_argument("serverRecords counts persons and cases");
    }
    return n;
}

}  // namespace chasqui::test
