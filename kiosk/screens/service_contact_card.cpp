#include "kiosk/screens/service_contact_card.hpp"

#include <fmt/format.h>

namespace chasqui::kiosk {

namespace {

// Bytes that fit a version 13 code at error correction level M (69 modules a
// side): about 7 px a module in the kiosk's QR panel.
constexpr std::size_t kCardBudgetBytes = 331;

// RFC 2426 text value: backslash, comma, semicolon and line breaks escaped.
std::string escaped(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case ',':
                out += "\\,";
                break;
            case ';':
                out += "\\;";
                break;
            case '\n':
                out += "\\n";  // i18n: not UI (vCard escape)
                break;
            case '\r':
                break;
            default:
                out += c;
        }
    }
    return out;
}

void line(std::string& out, std::string_view property, std::string_view value) {
    if (value.empty()) return;
    out += property;
    out += ':';
    out += value;
    out += "\r\n";
}

}  // namespace

std::string whatsappDigits(std::string_view number) {
    std::string digits;
    for (char c : number)
        if (c >= '0' && c <= '9') digits += c;
    const bool international = number.find('+') != std::string_view::npos;
    if (!international && digits.size() == 9 && digits.front() == '9') digits = "51" + digits;
    return digits;
}

std::string contactCard(const storage::Service& service, std::string_view lang) {
    const storage::ServiceText* text = storage::textFor(service, lang);
    const std::string name = escaped(text != nullptr ? text->name : service.organization);
    const std::string end = "END:VCARD\r\n";             // i18n: not UI (vCard syntax)
    std::string out = "BEGIN:VCARD\r\nVERSION:3.0\r\n";  // i18n: not UI (vCard syntax)
    // What the person needs to get in touch, always: the service's name as the
    // contact's given name (what the contacts list shows and what they will
    // look for later), the organization, the numbers and a WhatsApp link.
    line(out, "N", fmt::format(";{};;;", name));      // i18n: not UI (vCard syntax)
    line(out, "FN", name);                            // i18n: not UI (vCard syntax)
    line(out, "ORG", escaped(service.organization));  // i18n: not UI (vCard syntax)
    line(out, "TEL", escaped(service.phone));         // i18n: not UI (vCard syntax)
    if (!service.whatsapp.empty() && service.whatsapp != service.phone)
        line(out, "TEL;TYPE=CELL", escaped(service.whatsapp));  // i18n: not UI (vCard syntax)
    if (const std::string digits = whatsappDigits(service.whatsapp); !digits.empty())
        line(out, "URL", fmt::format("https://wa.me/{}", digits));  // i18n: not UI (a link, not a word)
    // Then, while the code stays small, where to go, when, and the email.
    std::string address;
    if (!service.address.empty() || !service.districtName.empty()) {
        const std::string where = fmt::format(";;{};{};;;", escaped(service.address), escaped(service.districtName));
        line(address, "ADR", where);  // i18n: not UI (vCard syntax)
    }
    std::string hours;
    if (text != nullptr) line(hours, "NOTE", escaped(text->hours));  // i18n: not UI (vCard syntax)
    std::string email;
    line(email, "EMAIL", escaped(service.email));  // i18n: not UI (vCard syntax)
    for (const std::string* optional : {&address, &hours, &email})
        if (out.size() + optional->size() + end.size() <= kCardBudgetBytes) out += *optional;
    out += end;
    return out;
}

}  // namespace chasqui::kiosk
