// The embedded server store's one-blob-per-record fields: what is written
// reads back, a patch equals the fields merged then written, and a blob that
// is damaged on disk is refused rather than read past its end.
#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <string>
#include <vector>

#include "sync/server/repository/record_fields_blob.hpp"

namespace chasqui::sync {

namespace {

StoredField field(std::string value, std::string clock = "0001@d") {
    return StoredField{std::move(value), std::move(clock), "", "rosa", ""};
}

std::vector<FieldWrite> writesOf(const RecordFields& fields) {
    std::vector<FieldWrite> out;
    for (const auto& [name, state] : fields) out.push_back({{"person", "p-1"}, name, state});
    return out;
}

std::vector<const FieldWrite*> pointers(const std::vector<FieldWrite>& writes) {
    std::vector<const FieldWrite*> out;
    for (const auto& w : writes) out.push_back(&w);
    return out;
}

}  // namespace

TEST_SUITE("record fields blob") {
    TEST_CASE("fields written read back, with every part and any bytes") {
        RecordFields fields{{"given_name", field("\"Rosa\"")},
                            {"needs", StoredField{"\"food,shelter\"", "0002@d", "0001@d", "luis", "{\"food\":[1,0]}"}},
                            {"note", field(std::string(300, 'x') + std::string("\0\xff", 2))}};
        auto decoded = decodeRecordFields(encodeRecordFields(fields));
        REQUIRE(decoded.has_value());
        CHECK(*decoded == fields);
        CHECK(encodeRecordFields({}).empty());
        auto none = decodeRecordFields("");
        REQUIRE(none.has_value());
        CHECK(none->empty());
    }

    TEST_CASE("a patch replaces, inserts before, between and after, and keeps the rest") {
        const RecordFields stored{{"b", field("1")}, {"d", field("2")}};
        const RecordFields changes{
            {"a", field("3")}, {"c", field("4")}, {"d", field("5", "0009@d")}, {"e", field("6")}};
        const auto writes = writesOf(changes);
        auto patched = patchRecordFields(encodeRecordFields(stored), pointers(writes));
        REQUIRE(patched.has_value());
        auto decoded = decodeRecordFields(*patched);
        REQUIRE(decoded.has_value());
        const RecordFields expected{
            {"a", field("3")}, {"b", field("1")}, {"c", field("4")}, {"d", field("5", "0009@d")}, {"e", field("6")}};
        CHECK(*decoded == expected);
        // Nothing to patch into: the writes alone; no writes: the blob as it was.
        auto fresh = patchRecordFields("", pointers(writes));
        REQUIRE(fresh.has_value());
        CHECK(*fresh == encodeRecordFields(changes));
        auto same = patchRecordFields(encodeRecordFields(stored), {});
        REQUIRE(same.has_value());
        CHECK(*same == encodeRecordFields(stored));
        auto empty = patchRecordFields("", {});
        REQUIRE(empty.has_value());
        CHECK(empty->empty());
    }

    TEST_CASE("a damaged blob is refused, whatever its damage") {
        const std::string good = encodeRecordFields({{"a", field("1")}, {"b", field("2")}});
        // Cut at every length: each cut inside an entry is refused.
        for (std::size_t size = 1; size < good.size(); ++size) {
            CAPTURE(size);
            auto cut = decodeRecordFields(std::string_view(good).substr(0, size));
            if (cut) {
                // Only a cut between whole entries decodes, and then to fewer fields.
                CHECK(cut->size() < 2);
            } else {
                CHECK(cut.error().code == SyncErrorCode::Internal);
                CHECK(cut.error().message.find("damaged") != std::string::npos);
            }
        }
        std::string format = good;
        format[0] = 0x02;
        CHECK_FALSE(decodeRecordFields(format).has_value());
        // Names out of order (b before a), and a name twice.
        const std::string a = encodeRecordFields({{"a", field("1")}}).substr(1);
        const std::string b = encodeRecordFields({{"b", field("2")}}).substr(1);
        CHECK_FALSE(decodeRecordFields("\x01" + b + a).has_value());
        CHECK_FALSE(decodeRecordFields("\x01" + a + a).has_value());
        // A length past the end, and a length that never ends.
        CHECK_FALSE(decodeRecordFields(std::string("\x01\xff\xff\xff\x0f", 5)).has_value());
        CHECK_FALSE(decodeRecordFields(std::string("\x01\xff\xff\xff\xff\xff\xff", 7)).has_value());
        const FieldWrite w{{"person", "p-1"}, "a", field("1")};
        CHECK_FALSE(patchRecordFields(format, {&w}).has_value());
    }

    TEST_CASE("patching equals merging the fields and writing them anew") {
        // Names from a pool small enough that stored and written fields share many.
        const auto names = rc::gen::apply(
            [](const std::string& prefix, int n) { return n == 0 ? prefix : prefix + std::to_string(n); },
            rc::gen::elementOf(std::vector<std::string>{"", "a", "given_name", "ñandú", "z"}),
            rc::gen::inRange(0, 100));
        const auto fields = rc::gen::container<RecordFields>(
            names, rc::gen::construct<StoredField>(rc::gen::arbitrary<std::string>(), rc::gen::arbitrary<std::string>(),
                                                   rc::gen::arbitrary<std::string>(), rc::gen::arbitrary<std::string>(),
                                                   rc::gen::arbitrary<std::string>()));
        CHECK(rc::check("patch(stored, writes) == encode(stored with writes)", [&] {
            const RecordFields stored = *fields;
            const RecordFields changes = *fields;
            const auto writes = writesOf(changes);
            auto patched = patchRecordFields(encodeRecordFields(stored), pointers(writes));
            RC_ASSERT(patched.has_value());
            RecordFields merged = stored;
            for (const auto& [name, state] : changes) merged.insert_or_assign(name, state);
            RC_ASSERT(*patched == encodeRecordFields(merged));
            auto decoded = decodeRecordFields(*patched);
            RC_ASSERT(decoded.has_value());
            RC_ASSERT(*decoded == merged);
        }));
    }
}

}  // namespace chasqui::sync
