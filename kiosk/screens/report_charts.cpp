// Report screen: the bar charts and the table of ReportService::view, drawn
// with ImGui's draw list and tables. Layout only; every number and label
// comes from the view.
#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <imgui.h>

#include "kiosk/screens/report_screen.hpp"
#include "kiosk/screens/supervisor_common.hpp"
#include "kiosk/ui/widgets.hpp"

namespace chasqui::kiosk {

namespace {

// The reader's word for a label: its catalog entry, else the code itself.
std::string wordFor(const Ui& ui, const ReportLabel& label) {
    return ui.i18n.has(label.key, "es") ? std::string(ui.tr(label.key)) : label.code;
}

std::string barNumber(const Ui& ui, const ReportBar& bar, bool withAssistance) {
    if (!withAssistance) return std::to_string(bar.people);
    return fill(ui.tr("report.bar.people_assistance"), {std::to_string(bar.people), std::to_string(bar.assistance)});
}

// One chart: a bold title, then a row per bar with its label on the left, the
// bar scaled to the chart's largest value, and the number right after it.
void drawChart(Ui& ui, const ReportChart& chart) {
    const float pad = ui.px(ui.theme.spacing);
    label(ui, ui.tr(chart.titleKey));
    const float width = std::min(ImGui::GetContentRegionAvail().x, ui.px(1400.f));
    std::vector<std::string> words;
    std::vector<std::string> numbers;
    float labelWidth = 0.f;
    float numberWidth = 0.f;
    for (const auto& bar : chart.bars) {
        words.push_back(wordFor(ui, bar.label));
        numbers.push_back(barNumber(ui, bar, chart.withAssistance));
        labelWidth = std::max(labelWidth, ImGui::CalcTextSize(words.back().c_str()).x);
        numberWidth = std::max(numberWidth, ImGui::CalcTextSize(numbers.back().c_str()).x);
    }
    // Long names wrap rather than squeeze the bars below a third of the width.
    labelWidth = std::min(labelWidth, width * 0.38f);
    const float barSpace = std::max(ui.px(60.f), width - labelWidth - numberWidth - pad * 3.f);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    for (std::size_t i = 0; i < chart.bars.size(); ++i) {
        const ReportBar& bar = chart.bars[i];
        const ImVec2 at = ImGui::GetCursorScreenPos();
        const float wrapped = ImGui::CalcTextSize(words[i].c_str(), nullptr, false, labelWidth).y;
        const float rowHeight = std::max(ui.px(44.f), wrapped + pad * 0.5f);
        // The label, right-aligned against its bar so the eye goes straight across.
        const float wordWidth = std::min(labelWidth, ImGui::CalcTextSize(words[i].c_str()).x);
        ImGui::SetCursorScreenPos(ImVec2(at.x + labelWidth - wordWidth, at.y + (rowHeight - wrapped) * 0.5f));
        ImGui::PushTextWrapPos(at.x + labelWidth - ImGui::GetWindowPos().x + ImGui::GetScrollX());
        ImGui::TextUnformatted(words[i].c_str());
        ImGui::PopTextWrapPos();
        ui.probe.text(words[i]);

        const float barX = at.x + labelWidth + pad;
        const float fraction =
            chart.maxPeople > 0 ? static_cast<float>(bar.people) / static_cast<float>(chart.maxPeople) : 0.f;
        // A value above zero always shows a sliver, so "1" never reads as nothing.
        const float length = bar.people > 0 ? std::max(ui.px(4.f), barSpace * fraction) : 0.f;
        const float barHeight = rowHeight * 0.62f;
        const ImVec2 barMin(barX, at.y + (rowHeight - barHeight) * 0.5f);
        const ImVec2 barMax(barX + length, barMin.y + barHeight);
        draw->AddRectFilled(barMin, barMax, toU32(ui.theme.primary), ui.px(4.f));
        ui.probe.shape(fmt::format("report.bar.{}.{}", chart.id, i), barMin, barMax);

        const ImVec2 numberSize = ImGui::CalcTextSize(numbers[i].c_str());
        const ImVec2 numberAt(barMax.x + pad * 0.5f, at.y + (rowHeight - numberSize.y) * 0.5f);
        draw->AddText(numberAt, toU32(ui.theme.text), numbers[i].c_str());
        ui.probe.text(numbers[i]);
        ui.probe.shape(fmt::format("report.bar.{}.{}.value", chart.id, i), numberAt,
                       ImVec2(numberAt.x + numberSize.x, numberAt.y + numberSize.y));

        ImGui::SetCursorScreenPos(at);
        ImGui::Dummy(ImVec2(width, rowHeight));
    }
    ImGui::Dummy(ImVec2(0.f, pad));
}

}  // namespace

void ReportScreen::drawCharts(Ui& ui) {
    const ReportView& v = *m_view;
    text(ui, fill(ui.tr("report.totals"), {std::to_string(v.assistanceCount), std::to_string(v.peopleReached)}));
    text(ui, fill(ui.tr("report.new_repeat"), {std::to_string(v.newPeople), std::to_string(v.repeatPeople)}));
    muted(ui, ui.tr("report.note"));
    ImGui::Dummy(ImVec2(0.f, ui.px(ui.theme.spacing) * 0.5f));
    for (const auto& chart : v.charts) drawChart(ui, chart);
}

void ReportScreen::drawTable(Ui& ui) {
    const ReportView& v = *m_view;
    const float pad = ui.px(ui.theme.spacing);
    // The table scrolls inside itself (ScrollY) with its header row frozen,
    // so a reader many lines down still sees which column is which.
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersInnerH |
                                  ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp |
                                  ImGuiTableFlags_ScrollY;
    ImGui::PushStyleVar(ImGuiStyleVar_CellPadding, ImVec2(pad * 0.75f, pad * 0.4f));
    ImGui::PushStyleColor(ImGuiCol_TableRowBg, ui.theme.surface);
    ImGui::PushStyleColor(ImGuiCol_TableRowBgAlt, ui.theme.background);
    ImGui::PushStyleColor(ImGuiCol_TableHeaderBg, ui.theme.secondary);
    ImGui::PushStyleColor(ImGuiCol_TableBorderStrong, ui.theme.border);
    ImGui::PushStyleColor(ImGuiCol_TableBorderLight, ui.theme.border);
    constexpr int kColumns = static_cast<int>(ReportView::kColumns.size());
    constexpr int kFirstCount = kColumns - 2;
    const ImVec2 size(0.f, ImGui::GetContentRegionAvail().y);
    if (ImGui::BeginTable("###report.table", kColumns, flags, size)) {
        // The table's own scrolling window: a finger drags it.
        if (ui.scroll.update(ImGui::GetID("report.table"), ui.dt)) ui.animate = true;
        const ImVec2 areaMin = ImGui::GetWindowPos();
        const ImVec2 areaSize = ImGui::GetWindowSize();
        ui.probe.item("report.table", ImGui::GetID("report.table"), areaMin,
                      ImVec2(areaMin.x + areaSize.x, areaMin.y + areaSize.y), true);
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::PushFont(ui.fonts.bold);
        // Count columns are as wide as their header or their widest number;
        // the word columns share the rest in proportion to what they hold.
        // Each word column's share: its longest single word or half its
        // longest label, whichever is more, so short words are not broken in
        // two to give long labels one line.
        std::array<float, kColumns> weight{};
        std::int64_t biggest = 0;
        for (const auto& row : v.rows) {
            for (std::size_t c = 0; c < row.cells.size(); ++c) {
                const std::string shown = wordFor(ui, row.cells[c]);
                float longestWord = 0.f;
                for (std::size_t start = 0; start < shown.size();) {
                    const std::size_t end = std::min(shown.find(' ', start), shown.size());
                    longestWord =
                        std::max(longestWord, ImGui::CalcTextSize(shown.data() + start, shown.data() + end).x);
                    start = end + 1;
                }
                weight[c] = std::max({weight[c], longestWord, ImGui::CalcTextSize(shown.c_str()).x * 0.5f});
            }
            biggest = std::max({biggest, row.assistance, row.people});
        }
        const float numberWidth = ImGui::CalcTextSize(std::to_string(biggest).c_str()).x;
        for (int c = 0; c < kColumns; ++c) {
            const char* word = ui.tr(ReportView::kColumns[static_cast<std::size_t>(c)]);
            const float wordWidth = ImGui::CalcTextSize(word).x;
            if (c >= kFirstCount)
                ImGui::TableSetupColumn(word, ImGuiTableColumnFlags_WidthFixed,
                                        std::max(wordWidth, numberWidth) + pad * 0.25f);
            else
                ImGui::TableSetupColumn(word, ImGuiTableColumnFlags_WidthStretch,
                                        std::max({wordWidth * 0.75f, weight[static_cast<std::size_t>(c)], 1.f}));
        }
        // The header row by hand: counts are right-aligned in their cells, so
        // their headers are too, and each number stands under its own word.
        ImGui::TableNextRow(ImGuiTableRowFlags_Headers, ui.theme.minTouch);
        for (int c = 0; c < kColumns; ++c) {
            ImGui::TableSetColumnIndex(c);
            const char* word = ImGui::TableGetColumnName(c);
            const float w = ImGui::CalcTextSize(word).x;
            if (c >= kFirstCount)
                ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.f, ImGui::GetContentRegionAvail().x - w));
            const ImVec2 at = ImGui::GetCursorScreenPos();
            ImGui::PushID(c);
            ImGui::TableHeader(word);
            ImGui::PopID();
            ui.probe.text(word);
            ui.probe.shape(fmt::format("report.head.{}", c), at, ImVec2(at.x + w, at.y + ImGui::GetTextLineHeight()));
        }
        ImGui::PopFont();

        const auto cell = [&](const std::string& value) {
            ImGui::TableNextColumn();
            ImGui::TextWrapped("%s", value.c_str());
            ui.probe.text(value);
        };
        const auto count = [&](std::int64_t value, int row, int column) {
            ImGui::TableNextColumn();
            const std::string shown = std::to_string(value);
            const float w = ImGui::CalcTextSize(shown.c_str()).x;
            ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.f, ImGui::GetContentRegionAvail().x - w));
            const ImVec2 at = ImGui::GetCursorScreenPos();
            ImGui::TextUnformatted(shown.c_str());
            ui.probe.text(shown);
            ui.probe.shape(fmt::format("report.cell.{}.{}", row, column), at,
                           ImVec2(at.x + w, at.y + ImGui::GetTextLineHeight()));
        };
        ImGuiListClipper clipper;
        clipper.Begin(static_cast<int>(v.rows.size()));
        while (clipper.Step()) {
            for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                const ReportTableRow& row = v.rows[static_cast<std::size_t>(i)];
                ImGui::TableNextRow(0, ui.theme.minTouch);
                for (const auto& label : row.cells) cell(wordFor(ui, label));
                count(row.assistance, i, kFirstCount);
                count(row.people, i, kFirstCount + 1);
            }
        }
        ImGui::EndTable();
    }
    ImGui::PopStyleColor(5);
    ImGui::PopStyleVar();
}

}  // namespace chasqui::kiosk
