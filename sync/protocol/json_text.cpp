#include "sync/protocol/json_text.hpp"

#include <cstdint>
#include <iterator>

#include <fmt/format.h>

namespace chasqui::sync {

// A JSON string as nlohmann::json's dump() writes it (UTF-8 kept as is):
// runs of plain bytes copied at once, the rest escaped.
void appendJsonString(std::string& out, std::string_view text) {
    out += '"';
    std::size_t plain = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte >= 0x20 && byte != '"' && byte != '\\') continue;
        out.append(text.substr(plain, i - plain));
        plain = i + 1;
        switch (byte) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(byte));
        }
    }
    out.append(text.substr(plain));
    out += '"';
}

// A value as dump() writes it: the scalars a change's fields hold written
// here, anything else by nlohmann.
void appendJsonValue(std::string& out, const nlohmann::json& value) {
    switch (value.type()) {
        case nlohmann::json::value_t::string:
            appendJsonString(out, value.get_ref<const std::string&>());
            return;
        case nlohmann::json::value_t::number_integer:
            fmt::format_to(std::back_inserter(out), "{}", value.get<std::int64_t>());
            return;
        case nlohmann::json::value_t::number_unsigned:
            fmt::format_to(std::back_inserter(out), "{}", value.get<std::uint64_t>());
            return;
        case nlohmann::json::value_t::boolean:
            out += value.get<bool>() ? "true" : "false";
            return;
        case nlohmann::json::value_t::null:
            out += "null";
            return;
        default:
            out += value.dump();
    }
}

}  // namespace chasqui::sync
