#pragma once
// JSON text written as nlohmann::json's dump() writes it, without building a
// DOM: the change texts a server logs (changeText) and the push batches a
// kiosk writes from its outbox must be byte for byte what dump() gives.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace chasqui::sync {

// A string, UTF-8 kept as is (the text must be valid UTF-8).
void appendJsonString(std::string& out, std::string_view text);
// A value: the scalars a change's fields hold written here, anything else by
// nlohmann.
void appendJsonValue(std::string& out, const nlohmann::json& value);

}  // namespace chasqui::sync
