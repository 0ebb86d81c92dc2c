#pragma once
// The embedded store keeps a record's merged fields as one blob in one row
// (record_state.fields) rather than one row per field: a push of 1 000
// changes then writes about 1 000 rows instead of about 10 000, and that
// write is the one part of a push that runs one push at a time.
//
// Format, version 1: the byte 0x01, then one entry per field in strictly
// ascending name order, each six strings (name, value, clock, base, author,
// elements), each string an unsigned LEB128 length and its bytes. The empty
// blob is a record without fields.
//
// A blob is read from disk: decoding checks every length and the order, and
// answers Internal ("damaged") rather than trusting it.
#include <string>
#include <string_view>
#include <vector>

#include "sync/server/repository/server_repository.hpp"

namespace chasqui::sync {

using RecordFields = std::map<std::string, StoredField, std::less<>>;

std::string encodeRecordFields(const RecordFields& fields);
SyncResult<RecordFields> decodeRecordFields(std::string_view blob);

// `blob` with each of `writes` (sorted by field name, distinct) in place of
// the stored field of the same name, or added; the other fields are copied
// as they are, without decoding them into strings.
SyncResult<std::string> patchRecordFields(std::string_view blob, const std::vector<const FieldWrite*>& writes);

}  // namespace chasqui::sync
