#include <fmt/core.h>

#include "cli/commands.hpp"
#include "storage/base/secret.hpp"
#include "storage/keys/staff_admin.hpp"

namespace chasqui::cli {

namespace {

// Runs `action` with a signed-in store; maps any error to the exit code.
template <typename Action>
void withStore(CommandContext& ctx, const Credentials& credentials, Action action) {
    auto store = signIn(credentials, ctx.clock);
    if (!store) {
        ctx.exitCode = report(store.error());
        return;
    }
    if (auto r = action(**store); !r) ctx.exitCode = report(r.error());
}

}  // namespace

void addStaffCommand(CLI::App& app, CommandContext& ctx) {
    struct Options {
        Credentials credentials;
        std::string name, login, role = "staff", newPinFile;
    };
    auto opts = std::make_shared<Options>();
    CLI::App* staff = app.add_subcommand("staff", "Manage staff accounts of this kiosk");
    staff->require_subcommand(1);

    CLI::App* add = staff->add_subcommand("add", "Add a staff member");
    addCredentialOptions(*add, opts->credentials);
    add->add_option("--name", opts->name, "Full name")->required();
    add->add_option("--login", opts->login, "Login (default: made from the name)");
    add->add_option("--role", opts->role, "staff, supervisor or admin")
        ->check(CLI::IsMember({"staff", "supervisor", "admin"}));
    add->add_option("--new-pin-file", opts->newPinFile, "File with the new member's PIN")->required();
    add->callback([opts, &ctx] {
        withStore(ctx, opts->credentials, [&](storage::PersonalStore& s) -> storage::Result<void> {
            auto pin = storage::readPinFile(opts->newPinFile);
            if (!pin) return std::unexpected(pin.error());
            const std::string login = opts->login.empty() ? storage::loginFromName(opts->name) : opts->login;
            auto id = storage::StaffAdmin(s).add(opts->name, login, opts->role, *pin);
            storage::wipeString(*pin);
            if (!id) return std::unexpected(id.error());
            fmt::print("Added {} '{}' (login {})\n", opts->role, opts->name, login);
            return {};
        });
    });

    CLI::App* list = staff->add_subcommand("list", "List staff members");
    addCredentialOptions(*list, opts->credentials);
    list->callback([opts, &ctx] {
        withStore(ctx, opts->credentials, [&](storage::PersonalStore& s) -> storage::Result<void> {
            auto members = storage::StaffAdmin(s).list();
            if (!members) return std::unexpected(members.error());
            fmt::print("{:<24} {:<11} {:<9} {}\n", "LOGIN", "ROLE", "STATE", "NAME");
            for (const auto& m : *members) {
                const char* state = !m.active          ? "disabled"
                                    : m.locked         ? "locked"
                                    : !m.hasCredential ? "no-pin"
                                                       : "active";
                fmt::print("{:<24} {:<11} {:<9} {}\n", m.login, m.role, state, m.name);
            }
            return {};
        });
    });

    CLI::App* disable = staff->add_subcommand("disable", "Disable a staff member (removes their PIN here)");
    addCredentialOptions(*disable, opts->credentials);
    disable->add_option("--login", opts->login, "Login of the member to disable")->required();
    disable->callback([opts, &ctx] {
        withStore(ctx, opts->credentials, [&](storage::PersonalStore& s) -> storage::Result<void> {
            if (auto r = storage::StaffAdmin(s).disable(opts->login); !r) return r;
            fmt::print("Disabled {}\n", opts->login);
            return {};
        });
    });

    CLI::App* reset = staff->add_subcommand("reset-pin", "Give a staff member a new PIN (also unlocks the account)");
    addCredentialOptions(*reset, opts->credentials);
    reset->add_option("--login", opts->login, "Login of the member")->required();
    reset->add_option("--new-pin-file", opts->newPinFile, "File with the new PIN")->required();
    reset->callback([opts, &ctx] {
        withStore(ctx, opts->credentials, [&](storage::PersonalStore& s) -> storage::Result<void> {
            auto pin = storage::readPinFile(opts->newPinFile);
            if (!pin) return std::unexpected(pin.error());
            auto r = storage::StaffAdmin(s).resetPin(opts->login, *pin);
            storage::wipeString(*pin);
            if (!r) return r;
            fmt::print("New PIN set for {}\n", opts->login);
            return {};
        });
    });
}

}  // namespace chasqui::cli
