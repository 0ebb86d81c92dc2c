#pragma once
// What the QR code on a service's page holds: the service's contact details
// as a vCard 3.0 ("BEGIN:VCARD ..."), in the person's language where the
// service has text in it.
//
// Why a vCard and not plain text: the camera apps of both iPhones and Android
// phones (and Google Lens) recognise a vCard QR code and offer "add to
// contacts" in one tap. The details then stay on the phone without network,
// the number is dialable, and the contact's link opens a WhatsApp chat (plain
// text would only be shown, or sent to a web search). vCard 3.0 rather than
// 4.0 or MECARD because it is the version every phone's contacts app imports.
// Short on purpose (no description or requirements, no optional TYPE
// parameters): the fewer the modules, the faster a code scans from a glossy
// kiosk screen. Hours stay (NOTE): when to go is what people ask next.

#include <string>
#include <string_view>

#include "storage/catalog/catalog_store.hpp"

namespace chasqui::kiosk {

std::string contactCard(const storage::Service& service, std::string_view lang);

// The digits of a WhatsApp number for a wa.me link ("+51 900 000 001" ->
// "51900000001"); a 9-digit Peruvian mobile number written without its
// country code gets 51. Empty when there are no digits.
std::string whatsappDigits(std::string_view number);

}  // namespace chasqui::kiosk
