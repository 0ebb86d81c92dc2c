#include "storage/keys/staff_admin.hpp"

#include <fmt/format.h>

#include "storage/base/validation.hpp"
#include "storage/base/vocabulary.hpp"
#include "storage/keys/keyring.hpp"

namespace chasqui::storage {

Result<void> StaffAdmin::requireManager(const std::string& targetRole) const {
    const Session& s = m_store.session();
    if (s.isAdmin()) return {};
    if (s.role == "supervisor" && targetRole == "staff") return {};
    return fail(ErrorCode::PermissionDenied,
                fmt::format("a {} cannot manage {} accounts; ask an administrator", s.role, targetRole));
}

Result<std::string> StaffAdmin::add(const std::string& name, const std::string& login, const std::string& role,
                                    std::string_view pin) {
    if (!vocab::contains(vocab::roles(), role))
        return invalid("role", fmt::format("role must be one of: {}", vocab::joinForMessage(vocab::roles())));
    if (auto r = requireManager(role); !r) return std::unexpected(r.error());
    Staff staff{{}, login, name, role, m_store.session().officeId, true};
    if (auto r = validateStaff(staff); !r) return std::unexpected(r.error());
    if (auto r = checkPinPolicy(pin, role); !r) return std::unexpected(r.error());
    auto keyring = loadKeyring(m_store.dataDir().keyring());
    if (!keyring) return std::unexpected(keyring.error());
    if (keyring->find(login) != nullptr)
        return fail(ErrorCode::AlreadyExists, fmt::format("the login '{}' is taken; choose another", login), "login");
    auto secret = loadDeviceSecret(m_store.dataDir());
    if (!secret) return std::unexpected(secret.error());
    auto id = m_store.write<std::string>([&](RecordWriter& w) {
        return w.insert("staff", {{"login", staff.login},
                                  {"name", staff.name},
                                  {"role", staff.role},
                                  {"office_id", staff.officeId},
                                  {"active", std::int64_t{1}}});
    });
    if (!id) {
        if (id.error().code == ErrorCode::AlreadyExists)
            return fail(ErrorCode::AlreadyExists, fmt::format("the login '{}' is taken; choose another", login),
                        "login");
        return id;
    }
    auto wrap = wrapDataKey(m_store.m_key, pin, *secret, *id, m_kdf);
    if (!wrap) return std::unexpected(wrap.error());
    keyring->credentials.push_back(Credential{*id, login, role, *wrap, 0, 0, false});
    if (auto r = saveKeyring(m_store.dataDir().keyring(), *keyring); !r) return std::unexpected(r.error());
    return id;
}

Result<void> StaffAdmin::resetPin(const std::string& login, std::string_view pin) {
    auto found = find(login);
    if (!found) return std::unexpected(found.error());
    const StaffSummary* member = &*found;
    if (!member->active)
        return fail(ErrorCode::AccountLocked, fmt::format("'{}' is disabled; add a new account instead", login));
    if (auto r = requireManager(member->role); !r) return r;
    if (auto r = checkPinPolicy(pin, member->role); !r) return r;
    auto secret = loadDeviceSecret(m_store.dataDir());
    if (!secret) return std::unexpected(secret.error());
    auto wrap = wrapDataKey(m_store.m_key, pin, *secret, member->id, m_kdf);
    if (!wrap) return std::unexpected(wrap.error());
    auto keyring = loadKeyring(m_store.dataDir().keyring());
    if (!keyring) return std::unexpected(keyring.error());
    if (Credential* c = keyring->findByStaffId(member->id)) {
        c->wrap = *wrap;
        c->failures = 0;
        c->lastFailureMs = 0;
        c->locked = false;
    } else {
        keyring->credentials.push_back(Credential{member->id, login, member->role, *wrap, 0, 0, false});
    }
    if (auto r = saveKeyring(m_store.dataDir().keyring(), *keyring); !r) return r;
    return m_store.writeVoid([&](RecordWriter& w) { return w.audit("reset_pin", "staff", member->id); });
}

Result<void> StaffAdmin::disable(const std::string& login) {
    auto found = find(login);
    if (!found) return std::unexpected(found.error());
    const StaffSummary* member = &*found;
    if (auto r = requireManager(member->role); !r) return r;
    if (member->id == m_store.session().staffId)
        return fail(ErrorCode::PermissionDenied, "you cannot disable your own account; ask another administrator");
    // The wrap goes first: from this moment the member cannot sign in here.
    auto keyring = loadKeyring(m_store.dataDir().keyring());
    if (!keyring) return std::unexpected(keyring.error());
    std::erase_if(keyring->credentials, [&](const Credential& c) { return c.staffId == member->id; });
    if (auto r = saveKeyring(m_store.dataDir().keyring(), *keyring); !r) return r;
    return m_store.writeVoid([&](RecordWriter& w) -> Result<void> {
        auto r = w.update("staff", member->id, {{"active", std::int64_t{0}}});
        if (!r) return std::unexpected(r.error());
        return {};
    });
}

Result<StaffSummary> StaffAdmin::find(const std::string& login) {
    auto members = list();
    if (!members) return std::unexpected(members.error());
    for (auto& m : *members)
        if (m.login == login) return std::move(m);
    return fail(ErrorCode::NotFound, fmt::format("no staff member with login '{}'; see `chasqui staff list`", login));
}

Result<std::vector<StaffSummary>> StaffAdmin::list() {
    auto keyring = loadKeyring(m_store.dataDir().keyring());
    if (!keyring) return std::unexpected(keyring.error());
    auto stmt =
        m_store.db().prepare("SELECT id, login, name, role, active FROM staff WHERE deleted = 0 ORDER BY login");
    if (!stmt) return std::unexpected(stmt.error());
    std::vector<StaffSummary> out;
    for (;;) {
        auto row = stmt->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        StaffSummary s{stmt->text(0), stmt->text(1), stmt->text(2), stmt->text(3), stmt->integer(4) != 0};
        if (const Credential* c = keyring->findByStaffId(s.id)) {
            s.hasCredential = true;
            s.locked = c->locked;
            s.failures = c->failures;
        }
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace chasqui::storage
