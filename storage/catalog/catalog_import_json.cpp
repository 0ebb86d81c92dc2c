// The JSON catalog format (assets/catalog/demo_catalog.json). nlohmann's DOM
// keeps no positions, so a small scanner finds where each service starts.
#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/base/validation.hpp"
#include "storage/base/vocabulary.hpp"
#include "storage/catalog/catalog_import.hpp"
#include "storage/catalog/catalog_import_detail.hpp"

namespace chasqui::storage {

namespace {

using namespace catalog_detail;
using Json = nlohmann::json;
using namespace std::string_view_literals;

constexpr int kMaxDepth = 32;  // the format needs 5; refuse pathological nesting early
constexpr std::array kServiceKeys{"id"sv,          "organization"sv,  "category"sv, "district"sv, "district_name"sv,
                                  "address"sv,     "phone"sv,         "whatsapp"sv, "email"sv,    "languages_spoken"sv,
                                  "populations"sv, "last_verified"sv, "texts"sv};
constexpr std::array kTextKeys{"name"sv, "description"sv, "hours"sv, "requirements"sv, "cost"sv};

struct JsonLayout {
    std::vector<std::size_t> serviceStarts;  // byte offset of each element of the top-level "services"
    int maxDepth = 0;
};

// Assumes nothing about validity: on malformed input the offsets are merely
// useless, and nlohmann reports the syntax error.
JsonLayout scanLayout(std::string_view text) {
    JsonLayout layout;
    std::vector<std::size_t> starts;
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    bool readingKey = false;    // a string in key position of the root object
    bool expectKey = false;     // at depth 1, the next string is a key
    bool inServices = false;    // inside the root's "services" array
    bool awaitElement = false;  // the next value at depth 2 starts a service
    std::string key;
    std::string lastKey;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                inString = false;
                if (readingKey) lastKey = key;
                readingKey = false;
                continue;
            }
            if (readingKey) key += c;
            continue;
        }
        if (inServices && depth == 2 && awaitElement && c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != ']') {
            starts.push_back(i);
            awaitElement = false;
        }
        switch (c) {
            case '"':
                inString = true;
                readingKey = depth == 1 && expectKey;
                if (readingKey) {
                    key.clear();
                    expectKey = false;
                }
                break;
            case '{':
            case '[':
                if (depth == 1 && c == '[' && lastKey == "services") {
                    inServices = true;
                    awaitElement = true;
                    starts.clear();  // a repeated key: the last one wins, as in nlohmann
                }
                ++depth;
                layout.maxDepth = std::max(layout.maxDepth, depth);
                if (depth == 1) expectKey = c == '{';
                break;
            case '}':
            case ']':
                depth = std::max(0, depth - 1);
                if (depth == 1 && inServices) {
                    inServices = false;
                    layout.serviceStarts = starts;
                }
                break;
            case ',':
                if (depth == 1) expectKey = true;
                if (depth == 2 && inServices) awaitElement = true;
                break;
            default:
                break;
        }
    }
    return layout;
}

// Reads one service; records type problems and returns false when a field
// has the wrong JSON type (its value rules are then not checked).
class ServiceReader {
public:
    ServiceReader(const Json& json, const ServiceSource& source, Problems& problems)
        : m_json(json), m_source(source), m_problems(problems) {}

    bool read(Service& out) {
        if (!m_json.is_object()) {
            problem(fmt::format("each entry of \"services\" must be an object {{...}}, not {}", m_json.type_name()));
            return false;
        }
        if (const auto it = m_json.find("id"); it != m_json.end() && it->is_string()) {
            m_who = serviceLabel(it->get_ref<const std::string&>(), m_source.index);
        }
        for (const auto& [key, value] : m_json.items()) {
            if (std::find(kServiceKeys.begin(), kServiceKeys.end(), key) == kServiceKeys.end()) {
                problem(fmt::format("unknown field {}; a service has: {}", shown(key),
                                    vocab::joinForMessage(kServiceKeys)));
            }
        }
        text(m_json, "id", out.id, true);
        text(m_json, "organization", out.organization, true);
        text(m_json, "category", out.category, true);
        text(m_json, "district", out.district, true);
        text(m_json, "district_name", out.districtName, true);
        text(m_json, "address", out.address, false);
        text(m_json, "phone", out.phone, false);
        text(m_json, "whatsapp", out.whatsapp, false);
        text(m_json, "email", out.email, false);
        list("languages_spoken", out.languagesSpoken);
        list("populations", out.populations);
        text(m_json, "last_verified", out.lastVerified, true);
        texts(out.texts);
        return m_ok;
    }

private:
    void problem(std::string_view message) {
        m_problems.add(m_source.line, m_who, message);
        m_ok = false;
    }

    // Optional fields may be missing or null.
    void text(const Json& object, std::string_view key, std::string& dest, bool required,
              std::string_view prefix = {}) {
        const auto it = object.find(key);
        if (it == object.end() || (!required && it->is_null())) {
            if (required) problem(fmt::format("{}{} is missing", prefix, key));
            return;
        }
        if (!it->is_string()) {
            problem(fmt::format("{}{} must be a text in quotes, not {}", prefix, key, it->type_name()));
            return;
        }
        dest = it->get<std::string>();
    }

    void list(std::string_view key, std::vector<std::string>& dest) {
        const auto it = m_json.find(key);
        if (it == m_json.end() || it->is_null()) return;
        if (!it->is_array() || !std::all_of(it->begin(), it->end(), [](const Json& v) { return v.is_string(); })) {
            problem(fmt::format("{} must be a list of codes in quotes, for example [\"es\", \"en\"]", key));
            return;
        }
        for (const auto& v : *it) dest.push_back(v.get<std::string>());
    }

    void texts(std::map<std::string, ServiceText>& dest) {
        const auto it = m_json.find("texts");
        if (it == m_json.end() || !it->is_object()) {
            problem("texts must be an object with the texts per language, for example \"texts\": {\"es\": {...}}");
            return;
        }
        for (const auto& [lang, block] : it->items()) {
            const std::string prefix = "texts." + lang + ".";
            if (!block.is_object()) {
                problem(fmt::format("texts.{} must be an object {{\"name\": ...}}, not {}", lang, block.type_name()));
                continue;
            }
            for (const auto& [key, value] : block.items()) {
                if (std::find(kTextKeys.begin(), kTextKeys.end(), key) == kTextKeys.end()) {
                    problem(fmt::format("texts.{}: unknown field {}; the texts are: {}", lang, shown(key),
                                        vocab::joinForMessage(kTextKeys)));
                }
            }
            ServiceText& t = dest[lang];
            text(block, "name", t.name, true, prefix);
            text(block, "description", t.description, false, prefix);
            text(block, "hours", t.hours, false, prefix);
            text(block, "requirements", t.requirements, false, prefix);
            text(block, "cost", t.cost, false, prefix);
        }
    }

    const Json& m_json;
    const ServiceSource& m_source;
    Problems& m_problems;
    std::string m_who = serviceLabel({}, m_source.index);
    bool m_ok = true;
};

// The text after nlohmann's "parse error at line L, column C: ", cut short:
// it quotes the last token read, which can be a whole paragraph.
std::string syntaxReason(const Json::parse_error& e) {
    constexpr std::size_t kMaxReason = 160;
    std::string_view what = e.what();
    const auto column = what.find("column ");
    const auto colon = column == std::string_view::npos ? std::string_view::npos : what.find(": ", column);
    if (colon != std::string_view::npos) what.remove_prefix(colon + 2);
    if (what.size() <= kMaxReason) return std::string(what);
    std::size_t cut = kMaxReason;
    while (cut > 0 && (static_cast<unsigned char>(what[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
    return std::string(what.substr(0, cut)) + "...";
}

Result<void> readHeader(const Json& root, Problems& problems, std::string& version) {
    if (!root.is_object() || !root.contains("services") || !root["services"].is_array()) {
        return invalid("catalog",
                       "The catalog was not imported: the file must be a JSON object with a \"services\" "
                       "list (see assets/catalog/demo_catalog.json)");
    }
    if (const auto it = root.find("format"); it != root.end() && *it != "chasqui-catalog") {
        problems.add(0, {}, "format must be \"chasqui-catalog\"; is it a catalog file?");
    }
    if (const auto it = root.find("format_version"); it != root.end()) {
        if (!it->is_number_integer() || it->get<long long>() < 1) {
            problems.add(0, {}, "format_version must be a whole number, 1 for this format");
        } else if (it->get<long long>() > 1) {
            problems.add(0, {},
                         fmt::format("format_version {} was written for a newer Chasqui; update Chasqui or "
                                     "export the catalog as format_version 1",
                                     it->get<long long>()));
        }
    }
    if (const auto it = root.find("version"); it != root.end()) {
        if (!it->is_string()) {
            problems.add(0, {}, "version must be a text in quotes, for example \"2026-10\"");
        } else if (auto r = checkText("version", it->get_ref<const std::string&>(), 1, 64); !r) {
            problems.add(0, {}, r.error().message);
        } else {
            version = it->get<std::string>();
        }
    }
    const auto count = root["services"].size();
    if (count > kMaxCatalogServices) {
        return invalid("catalog", fmt::format("The catalog was not imported: it has {} services and at most {} are "
                                              "accepted",
                                              count, kMaxCatalogServices));
    }
    return {};
}

Result<ImportedCatalog> readCatalog(std::string_view text) {
    auto body = prepareText(text);
    if (!body) return std::unexpected(body.error());
    const LineIndex lines(*body);
    const JsonLayout layout = scanLayout(*body);
    if (layout.maxDepth > kMaxDepth) {
        return invalid("catalog", fmt::format("The catalog was not imported: the JSON is nested more than {} levels "
                                              "deep; is it a catalog file?",
                                              kMaxDepth));
    }
    Json root;
    try {
        root = Json::parse(body->begin(), body->end());
    } catch (const Json::parse_error& e) {
        const std::size_t offset = e.byte > 0 ? std::min<std::size_t>(e.byte - 1, body->size()) : 0;
        Problems problems;
        problems.add(lines.lineOf(offset), {},
                     fmt::format("the file is not valid JSON ({}); look for a missing comma, quote or bracket here "
                                 "or just before",
                                 syntaxReason(e)));
        return std::unexpected(problems.toError());
    }

    Problems problems;
    ImportedCatalog catalog;
    if (auto r = readHeader(root, problems, catalog.version); !r) return std::unexpected(r.error());
    const Json& items = root["services"];
    if (items.empty()) return invalid("catalog", "The catalog was not imported: the file lists no services");
    const bool haveLines = layout.serviceStarts.size() == items.size();
    // Value rules run only on services whose fields had the right types:
    // on the others they would just repeat the type problems.
    std::vector<Service> typed;
    std::vector<ServiceSource> sources;
    for (std::size_t i = 0; i < items.size(); ++i) {
        ServiceSource source;
        source.index = i;
        source.line = haveLines ? lines.lineOf(layout.serviceStarts[i]) : 0;
        Service service;
        if (ServiceReader(items[i], source, problems).read(service)) {
            typed.push_back(std::move(service));
            sources.push_back(std::move(source));
        }
    }
    checkCatalog(typed, sources, problems);
    if (!problems.empty()) return std::unexpected(problems.toError());
    catalog.services = std::move(typed);
    if (catalog.version.empty()) catalog.version = contentVersion(text);
    return catalog;
}

}  // namespace

Result<ImportedCatalog> parseCatalogJson(std::string_view text) {
    try {
        return readCatalog(text);
    } catch (const Json::exception& e) {
        // Every access above checks types first; this is a safety net at the module boundary.
        return fail(ErrorCode::Internal, fmt::format("reading the catalog failed unexpectedly: {}", e.what()));
    }
}

}  // namespace chasqui::storage
