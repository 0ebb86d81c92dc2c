#include "kiosk/ui/qr_code.hpp"

#include <memory>

#include <qrencode.h>

namespace chasqui::kiosk {

storage::Result<QrMatrix> encodeQr(std::string_view text) {
    const std::string copy(text);
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeData(static_cast<int>(copy.size()), reinterpret_cast<const unsigned char*>(copy.data()), 0,
                          QR_ECLEVEL_M),
        &QRcode_free);
    if (!code)
        return storage::fail(storage::ErrorCode::InvalidInput,
                             "the contact details are too long for a QR code");  // i18n: not UI
    QrMatrix out;
    out.size = code->width;
    out.dark.resize(static_cast<std::size_t>(code->width * code->width));
    for (std::size_t i = 0; i < out.dark.size(); ++i) out.dark[i] = (code->data[i] & 1) != 0;
    return out;
}

void drawQr(const QrMatrix& qr, float side, ImU32 dark, ImU32 light) {
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const int modules = qr.size + 8;  // quiet zone
    const float cell = side / static_cast<float>(modules);
    draw->AddRectFilled(origin, ImVec2(origin.x + side, origin.y + side), light);
    for (int y = 0; y < qr.size; ++y)
        for (int x = 0; x < qr.size; ++x)
            if (qr.at(x, y)) {
                const ImVec2 a(origin.x + static_cast<float>(x + 4) * cell,
                               origin.y + static_cast<float>(y + 4) * cell);
                draw->AddRectFilled(a, ImVec2(a.x + cell, a.y + cell), dark);
            }
    ImGui::Dummy(ImVec2(side, side));
}

}  // namespace chasqui::kiosk
