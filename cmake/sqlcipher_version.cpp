// Prints the linked SQLCipher's version ("4.6.1 community"): CMake runs it at
// configure time, because pkg-config only knows the embedded SQLite's.
#include <sqlite3.h>
#include <cstdio>

static int print_first(void* /*unused*/, int columns, char** values, char** /*names*/) {
    if (columns > 0 && values[0] != nullptr) printf("%s", values[0]);
    return 0;
}

int main(void) {
    sqlite3* db = nullptr;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) return 1;
    int rc = sqlite3_exec(db, "PRAGMA cipher_version", print_first, nullptr, nullptr);
    sqlite3_close(db);
    return rc == SQLITE_OK ? 0 : 1;
}
