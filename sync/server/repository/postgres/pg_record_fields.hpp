#pragma once
// The PostgreSQL store keeps a record's merged fields in one row
// (record_state.fields, jsonb) rather than one row per field: a push of 1 000
// changes writes about 1 000 rows instead of about 10 000, and reports still
// query any field (`fields #>> '{sex,v}'`).
//
// Each field is an object:
//   v  the value as JSON (absent for a personal field, or a JSON null)
//   t  the value's exact JSON text, instead of v, when jsonb would not give
//      the same text back (a number written with an exponent, -0.0)
//   s  a personal field's value sealed by FieldCipher, base64; its place is
//      fieldPlace(entity, record, field)
//   y  a birth date's year; h  a document number's keyed hash
//   c  clock; b  base clock; a  author; e  element clocks of a set field (JSON;
//   `et`, its text, if it were ever not an object)
// Empty b and e are left out. So are c and a when they are the row's
// defaults (record_state.field_clock, field_author; schema 6): a field that
// names no clock or author has the row's. The fields of a push usually come
// from one change, so most carry neither: a person's object shrinks from
// about 3 300 characters to about 1 200, which PostgreSQL parses, compresses,
// logs and indexes (rows written before schema 6 name theirs, with empty
// defaults). A field whose author is empty where the row's is not says so
// ("a": "").
//
// The row is read from the database: decoding checks every member and answers
// Internal rather than trusting it.
#include <string>
#include <string_view>
#include <vector>

#include "sync/server/repository/field_cipher.hpp"
#include "sync/server/repository/server_repository.hpp"

namespace chasqui::sync::pg {

using RecordFieldMap = std::map<std::string, StoredField, std::less<>>;

// A row's default clock and author (record_state.field_clock, field_author).
struct FieldDefaults {
    std::string clock;
    std::string author;
    bool operator==(const FieldDefaults&) const = default;
};

// The clock and author most of `fields` share: the defaults of a new row.
FieldDefaults commonDefaults(const std::vector<const StoredField*>& fields);

// Appends `"name":{...}` for one field, sealing it when it is personal, and
// naming its clock and author only where they differ from `defaults`.
// `value`, `elements` are JSON texts as the core makes them (empty elements:
// none).
void appendFieldEntry(std::string& out, const FieldCipher& cipher, const RecordKey& key, std::string_view field,
                      const StoredField& state, const FieldDefaults& defaults);

// The fields of a record_state row (its `fields::text` and its defaults),
// personal values opened.
SyncResult<RecordFieldMap> readRecordFields(const FieldCipher& cipher, const RecordKey& key,
                                            std::string_view fieldsJson, const FieldDefaults& defaults);

// Appends `text` as a JSON string.
void appendJsonString(std::string& out, std::string_view text);

}  // namespace chasqui::sync::pg
