// Open Space Board — QR codes drawn as rectangles (libqrencode), so a phone can open a session.
// The light quiet zone is the one light box the dark theme allows: scanners need it.
#include <qrencode.h>

#include <memory>

#include "ui/ui_internal.hpp"

namespace osb::ui {

namespace {
// Encodes once per text: first byte the width, then width*width modules (1 = dark).
const std::vector<unsigned char>& encoded(UiStateImpl& st, const std::string& text) {
  auto it = st.qr_cache.find(text);
  if (it != st.qr_cache.end()) return it->second;
  std::vector<unsigned char> modules;
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1),
                                                        &QRcode_free);
  if (code && code->width > 0 && code->width < 256) {
    modules.reserve(1 + code->width * code->width);
    modules.push_back(static_cast<unsigned char>(code->width));
    for (int i = 0; i < code->width * code->width; ++i) modules.push_back(code->data[i] & 1);
  }
  if (st.qr_cache.size() > 16) st.qr_cache.clear();  // a handful of URLs at most; keep it small
  return st.qr_cache.emplace(text, std::move(modules)).first->second;
}
}  // namespace

void draw_qr(Frame& f, ImVec2 pos, float size, const std::string& text) {
  const auto& m = encoded(f.st, text);
  if (m.empty()) return;
  const int width = m[0];
  const int quiet = 4;  // modules of quiet zone, as the QR standard asks
  const float module = std::floor(size / static_cast<float>(width + 2 * quiet));
  if (module < 1) return;
  const float total = module * static_cast<float>(width + 2 * quiet);
  pos = ImVec2(std::floor(pos.x), std::floor(pos.y));
  f.dl->AddRectFilled(pos, ImVec2(pos.x + total, pos.y + total), theme::qr_light);
  for (int y = 0; y < width; ++y)
    for (int x = 0; x < width; ++x)
      if (m[1 + y * width + x]) {
        const ImVec2 a(pos.x + (x + quiet) * module, pos.y + (y + quiet) * module);
        f.dl->AddRectFilled(a, ImVec2(a.x + module, a.y + module), theme::qr_dark);
      }
}

}  // namespace osb::ui
