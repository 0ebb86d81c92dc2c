#pragma once
// QR codes of a service's contact details (libqrencode), drawn as filled
// squares with ImGui's draw list: no texture, so it draws the same in the
// window and in headless tests.

#include <string>
#include <string_view>
#include <vector>

#include <imgui.h>

#include "storage/base/error.hpp"

namespace chasqui::kiosk {

struct QrMatrix {
    int size = 0;            // modules per side
    std::vector<bool> dark;  // size*size, row by row
    bool at(int x, int y) const { return dark[static_cast<std::size_t>(y * size + x)]; }
};

// Encodes UTF-8 text with error correction level M; InvalidInput when the text is
// too long for a QR code.
storage::Result<QrMatrix> encodeQr(std::string_view text);

// Draws the code with a quiet zone of 4 modules, `side` pixels wide, at the
// cursor, as one item.
void drawQr(const QrMatrix& qr, float side, ImU32 dark, ImU32 light);

}  // namespace chasqui::kiosk
