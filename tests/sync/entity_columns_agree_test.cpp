// The change codec, the entity description and the schema agree: what a change
// may set is what the table holds (storage/records/entity_columns.hpp).
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <type_traits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/db/schema.hpp"
#include "storage/records/entity_columns.hpp"
#include "sync/protocol/change_codec.hpp"
#include "sync/protocol/sync_error.hpp"

using namespace chasqui;

namespace {

nlohmann::json putOf(std::string_view entity, nlohmann::json fields) {
    return {{"id", "0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a6b"},
            {"entity", entity},
            {"record", "0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a6c"},
            {"op", "put"},
            {"fields", std::move(fields)},
            {"hlc", "0193a1b2c3d4-0000"},
            {"device", "0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a00"},
            {"author", "0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a01"},
            {"office", "TUM"}};
}

// The error's stable name, whether the codec names it with a string or a code.
template <typename E>
std::string codeOf(const E& error) {
    if constexpr (std::is_convertible_v<decltype(error.code), std::string>)
        return error.code;
    else
        return sync::syncErrorCodeName(error.code);
}

nlohmann::json longest(const storage::ColumnSpec& c) {
    switch (c.type) {
        case storage::ColumnType::Integer:
            return 1;
        case storage::ColumnType::Real:
            return 2.5;
        case storage::ColumnType::Text:
            return std::string(c.maxBytes, 'a');
    }
    return nullptr;
}

}  // namespace

TEST_CASE("the codec accepts exactly the described columns of every entity, and deleted") {
    for (const storage::EntitySpec& spec : storage::syncedEntities()) {
        INFO(spec.entity);
        CHECK(sync::isSyncedEntity(spec.entity));
        CHECK(sync::isAppendOnly(spec.entity) == spec.appendOnly);
        const auto columns = sync::columnsOf(spec.entity);
        REQUIRE(columns.size() == spec.columns.size() + 1);
        for (std::size_t i = 0; i < spec.columns.size(); ++i) {
            CHECK(columns[i].name == spec.columns[i].name);
            CHECK(columns[i].type == spec.columns[i].type);
            CHECK(columns[i].maxBytes == spec.columns[i].maxBytes);
        }
        CHECK(columns.back().name == "deleted");
        CHECK(columns.back().type == storage::ColumnType::Integer);

        // Every column at its longest value in one change: accepted.
        nlohmann::json all = nlohmann::json::object();
        for (const auto& c : spec.columns) all[std::string(c.name)] = longest(c);
        const auto decoded = sync::decodeChange(putOf(spec.entity, all));
        REQUIRE_MESSAGE(decoded.has_value(), (decoded ? std::string() : decoded.error().message));
        CHECK(decoded->fields == all);
        // One byte more in a text column: refused as too large.
        for (const auto& c : spec.columns) {
            if (c.type != storage::ColumnType::Text) continue;
            const auto tooLong =
                sync::decodeChange(putOf(spec.entity, {{std::string(c.name), std::string(c.maxBytes + 1, 'a')}}));
            REQUIRE(!tooLong.has_value());
            CHECK(codeOf(tooLong.error()) == "too_large");
        }
    }
    CHECK(sync::columnsOf("no_such_entity").empty());
    CHECK(!sync::isSyncedEntity("no_such_entity"));
}

TEST_CASE("a column of a synced table that the codec does not know, or the reverse, fails here") {
    auto db = storage::Db::open(":memory:", storage::OpenOptions{});
    REQUIRE(db);
    REQUIRE(storage::migrate(*db));
    // Columns a change never sets: the row's own bookkeeping and values derived on the kiosk.
    const std::set<std::string> notSynced{"rid", "id", "created_at", "updated_at", "author", "device"};
    const std::set<std::string> derived{"persons.doc_number_norm", "persons.source_id", "households.source_id"};
    for (const storage::EntitySpec& spec : storage::syncedEntities()) {
        std::set<std::string> inTable;
        auto stmt = db->prepare(fmt::format("PRAGMA table_info({})", spec.table));
        REQUIRE(stmt);
        for (;;) {
            auto row = stmt->step();
            REQUIRE(row);
            if (!*row) break;
            const std::string name = stmt->text(1);
            if (notSynced.count(name) || derived.count(fmt::format("{}.{}", spec.table, name))) continue;
            inTable.insert(name);
        }
        stmt->reset();
        std::set<std::string> inCodec;
        for (const auto& c : sync::columnsOf(spec.entity)) inCodec.insert(std::string(c.name));
        INFO(spec.entity);
        CHECK(inTable == inCodec);
        // A field the table does not have is refused by name.
        const auto unknown = sync::decodeChange(putOf(spec.entity, {{"no_such_column", "x"}}));
        REQUIRE(!unknown.has_value());
        CHECK(codeOf(unknown.error()) == "unknown_field");
    }
}
