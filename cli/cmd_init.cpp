#include <fmt/core.h>

#include "cli/commands.hpp"
#include "storage/base/secret.hpp"
#include "storage/db/personal_store.hpp"

namespace chasqui::cli {

void addCredentialOptions(CLI::App& command, Credentials& c) {
    command.add_option("--data", c.data, "Kiosk data directory")->required();
    command.add_option("--user", c.user, "Staff login to act as (default: the administrator created by init)");
    command.add_option("--pin-file", c.pinFile, "File whose first line is that staff member's PIN")->required();
}

void addInitCommand(CLI::App& app, CommandContext& ctx) {
    struct Options {
        std::string data, office, officeName, district, adminName, adminLogin, pinFile;
        int deviceNumber = 1;
    };
    auto opts = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("init", "Create a new kiosk data directory with its first administrator");
    cmd->add_option("--data", opts->data, "Directory to create")->required();
    cmd->add_option("--office", opts->office, "Office code, 3 capital letters (TUM, LIM, PUN...)")->required();
    cmd->add_option("--office-name", opts->officeName, "Office name (default: Oficina CODE)");
    cmd->add_option("--district", opts->district, "Office district as a 6-digit UBIGEO code");
    cmd->add_option("--admin-name", opts->adminName, "Administrator's full name")->required();
    cmd->add_option("--admin-login", opts->adminLogin, "Administrator's login (default: made from the name)");
    cmd->add_option("--pin-file", opts->pinFile, "File whose first line is the administrator's PIN (8+ digits)")
        ->required();
    cmd->add_option("--device-number", opts->deviceNumber, "This kiosk's number within the office (1-999)");
    cmd->callback([opts, &ctx] {
        auto pin = storage::readPinFile(opts->pinFile);
        if (!pin) {
            ctx.exitCode = report(pin.error());
            return;
        }
        storage::InitOptions init;
        init.officeCode = opts->office;
        init.officeName = opts->officeName;
        init.officeDistrict = opts->district;
        init.adminName = opts->adminName;
        init.adminLogin = opts->adminLogin;
        init.adminPin = *pin;
        init.deviceNumber = opts->deviceNumber;
        auto created = storage::PersonalStore::create(storage::DataDir(opts->data), init, ctx.clock);
        storage::wipeString(*pin);
        storage::wipeString(init.adminPin);
        if (!created) {
            ctx.exitCode = report(created.error());
            return;
        }
        const std::string login = opts->adminLogin.empty() ? storage::loginFromName(opts->adminName) : opts->adminLogin;
        fmt::print("Created {} for office {} (device {}). Administrator login: {}\n", opts->data, opts->office,
                   opts->deviceNumber, login);
    });
}

}  // namespace chasqui::cli
