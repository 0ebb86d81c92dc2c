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
// Empty b, a and e are left out.
//
// The row is read from the database: decoding checks every member and answers
// Internal rather than trusting it.
#include <string>
#include <string_view>

#include "sync/server/repository/field_cipher.hpp"
#include "sync/server/repository/server_repository.hpp"

namespace chasqui::sync::pg {

using RecordFieldMap = std::map<std::string, StoredField, std::less<>>;

// Appends `"name":{...}` for one field, sealing it when it is personal.
// `value`, `elements` are JSON texts as the core makes them (empty elements:
// none).
void appendFieldEntry(std::string& out, const FieldCipher& cipher, const RecordKey& key, std::string_view field,
                      const StoredField& state);

// The fields of a record_state row (its `fields::text`), personal values opened.
SyncResult<RecordFieldMap> readRecordFields(const FieldCipher& cipher, const RecordKey& key,
                                            std::string_view fieldsJson);

// Appends `text` as a JSON string.
void appendJsonString(std::string& out, std::string_view text);

}  // namespace chasqui::sync::pg
