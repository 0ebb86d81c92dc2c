#include "sync/client/spool_files.hpp"

#include <charconv>

#include "sync/protocol/protocol_limits.hpp"

namespace chasqui::sync {

std::optional<std::int64_t> parseSpoolNumber(std::string_view text) {
    if (text.ends_with('\n')) text.remove_suffix(1);
    // Outbox names are zero-padded to 20 digits.
    while (text.size() > 1 && text.front() == '0') text.remove_prefix(1);
    // 18 digits always fit an int64_t: from_chars cannot fail on range.
    if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string_view::npos)
        return std::nullopt;
    std::int64_t value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

std::optional<OutboxName> parseOutboxName(std::string_view stem) {
    const auto dash = stem.find('-');
    if (dash == std::string_view::npos) {
        auto seq = parseSpoolNumber(stem);
        if (!seq || stem.ends_with('\n')) return std::nullopt;
        return OutboxName{*seq, -1};
    }
    const std::string_view seqText = stem.substr(0, dash);
    std::string_view countText = stem.substr(dash + 1);
    std::optional<std::string_view> independentText;
    if (const auto second = countText.find('-'); second != std::string_view::npos) {
        independentText = countText.substr(second + 1);
        countText = countText.substr(0, second);
    }
    if (seqText.ends_with('\n') || countText.ends_with('\n') || (independentText && independentText->ends_with('\n')))
        return std::nullopt;
    auto seq = parseSpoolNumber(seqText);
    auto count = parseSpoolNumber(countText);
    if (!seq || !count) return std::nullopt;
    if (!independentText) return OutboxName{*seq, *count, -1};
    auto independentOf = parseSpoolNumber(*independentText);
    // Only an earlier batch can have been sealed before this one.
    if (!independentOf || *independentOf >= *seq) return std::nullopt;
    return OutboxName{*seq, *count, *independentOf};
}

std::optional<InboxPage> parseInboxPage(std::string_view content) {
    const auto newline = content.find('\n');
    if (newline == std::string_view::npos) return std::nullopt;
    const std::string_view cursor = content.substr(0, newline);
    if (!isCursor(cursor)) return std::nullopt;
    return InboxPage{std::string(cursor), content.substr(newline + 1)};
}

}  // namespace chasqui::sync
