#pragma once
// Self-service, second step: the services of the chosen category in the
// person's language (Spanish where a service has no text in it), narrowed by
// district. The district filter is a row of chips when they fit on two lines,
// otherwise one button that opens a panel of big district buttons over the
// list: one or two taps either way, finger only. The list scrolls by dragging.
// Reads only the public catalog, on the worker thread.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/self_service_context.hpp"
#include "storage/catalog/catalog_store.hpp"

namespace chasqui::kiosk {

class ServiceListScreen final : public Screen {
public:
    explicit ServiceListScreen(SelfServiceContext& ctx) : m_ctx(ctx) {}
    ScreenId id() const override { return ScreenId::ServiceList; }
    // The top bar names the category ("Health"), so a person sees where they are.
    const char* titleKey() const override { return m_titleKey.c_str(); }
    void onEnter() override;
    void drawContent(Ui& ui) override;
    void afterDraw() override;
    void dropPersonalData() override;

private:
    void load();
    void drawFilter(Ui& ui);
    void drawPicker(Ui& ui);
    void drawList(Ui& ui);
    bool districtChip(Ui& ui, const std::string& code, const std::string& label, float width);
    std::string districtLabel(const Ui& ui) const;

    SelfServiceContext& m_ctx;
    std::string m_titleKey = "categories.title";
    bool m_loading = true;
    const char* m_errorKey = "";  // empty: no error
    std::vector<storage::ServiceSummary> m_rows;
    std::vector<storage::DistrictOption> m_districts;
    std::string m_language;        // the language m_rows were read in
    std::string m_loadedCategory;  // the category m_rows belong to
    std::uint64_t m_generation = 0;
    bool m_pickerOpen = false;
    bool m_scrollToTop = false;
    // Intents recorded while drawing, acted on in afterDraw().
    std::optional<std::string> m_tappedDistrict;  // "" = all districts
    std::string m_tappedService;
    bool m_openPicker = false;
    bool m_closePicker = false;
    bool m_speak = false;
};

}  // namespace chasqui::kiosk
