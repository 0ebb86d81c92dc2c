#pragma once
// Shared plumbing of the admin CLI: exit codes, error printing, and signing in
// with a PIN read from a file (never from the command line, where it would be
// visible in the process list and shell history).
#include <memory>
#include <string>

#include "storage/base/clock.hpp"
#include "storage/base/data_dir.hpp"
#include "storage/base/error.hpp"
#include "storage/base/trusted_clock.hpp"
#include "storage/db/personal_store.hpp"

namespace chasqui::cli {

// Exit codes are part of the CLI's contract with scripts.
enum ExitCode : int {
    kOk = 0,
    kFailure = 1,       // I/O and other errors
    kUsage = 2,         // wrong command line
    kCredentials = 3,   // wrong PIN, locked or throttled account, not allowed
    kDamaged = 4,       // corrupt, truncated, missing or tampered data (store, keyring)
    kInvalidInput = 5,  // a value or input file failed validation
    kWrongDevice = 6,   // the device secret is missing or is not this kiosk's
};

// The exit codes as `chasqui --help` lists them.
const char* exitCodeHelp();

int exitCodeFor(const storage::Error& error);
// Prints "chasqui: <message>" to stderr and returns the exit code.
int report(const storage::Error& error);

struct Credentials {
    std::string data;     // --data
    std::string user;     // --user (defaults to the administrator made by init)
    std::string pinFile;  // --pin-file
};

// The store reads `clock`, which first learns the server's time kept in the data directory.
storage::Result<std::unique_ptr<storage::PersonalStore>> signIn(const Credentials& credentials,
                                                                const storage::TrustedClock& clock);

}  // namespace chasqui::cli
