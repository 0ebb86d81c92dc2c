#pragma once
// The PostgreSQL store's numbered migrations. They mirror the embedded
// store's (sync/server/repository/sqlcipher_repository.cpp): the same number
// makes the same change, so `schema` reports one version for both backends.
//   1  the tables (settings, devices, enrollment codes, change log, field
//      states, record offices, quarantine, catalog)
//   2  devices.signing_key
//   3  field_state.elements
//   4  change_log.payload_hash dropped (duplicates compare logged payloads);
//      staff logins stored in clear are sealed (a data step, with the field key)
//   5  record_state: a record's office and fields in one row (fields jsonb)
//      instead of field_state and record_office
//   6  record_state.field_clock, field_author: the clock and author of the
//      fields that name none; no planner statistics on record_state.fields
//      and change_log.payload (the embedded store's 6 changes nothing)
// The version is the one row of schema_version. Migrations run under a
// session advisory lock: several server processes starting at once migrate
// once, the others wait and then find nothing to do.
#include "sync/protocol/sync_error.hpp"
#include "sync/server/repository/field_cipher.hpp"
#include "sync/server/repository/postgres/pg_connection.hpp"

namespace chasqui::sync::pg {

int latestPgSchema();
// 0 for an empty database.
SyncResult<int> pgSchemaVersion(PgConnection& conn);
// Brings the database to `target` (the latest when negative), each migration
// in its own transaction. Internal, changing nothing, when the database was
// written by a newer chasqui-server.
// `cipher` seals what a migration moves into the sealed fields.
SyncResult<void> migratePgSchema(PgConnection& conn, const FieldCipher& cipher, int target = -1);

}  // namespace chasqui::sync::pg
