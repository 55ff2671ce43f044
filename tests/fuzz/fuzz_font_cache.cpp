// Fuzz target: the kiosk's font atlas cache file (app/ui/font_cache.cpp), read back at every start.
// The checksum is repaired first, so inputs reach the checks behind it. Invariant: every input is
// refused with a reason and leaves the atlas empty, or gives an atlas whose every glyph lies inside
// the texture and whose text can be measured; nothing crashes.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "ui/fonts.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace font_cache = osb::ui::font_cache;
  std::vector<std::uint8_t> bytes(data, data + size);
  font_cache::repair_checksum(bytes);
  ImFontAtlas atlas;
  std::string why;
  // The seed corpus was written with this key (a small atlas of ImGui's built-in font).
  if (font_cache::deserialize(bytes.data(), bytes.size(), "fuzz key", atlas, why) != font_cache::Read::Loaded) {
    if (why.empty() || atlas.Fonts.Size != 0 || atlas.TexPixelsAlpha8) std::abort();
    return 0;
  }
  if (!atlas.IsBuilt() || !atlas.TexPixelsAlpha8 || atlas.TexWidth <= 0 || atlas.TexHeight <= 0) std::abort();
  for (const ImFont* font : atlas.Fonts) {
    if (!font->FallbackGlyph) std::abort();
    for (const ImFontGlyph& g : font->Glyphs) {
      const bool inside = g.U0 >= 0 && g.U0 <= 1 && g.U1 >= 0 && g.U1 <= 1 && g.V0 >= 0 && g.V0 <= 1 && g.V1 >= 0 &&
                          g.V1 <= 1 && std::isfinite(g.X0 + g.X1 + g.Y0 + g.Y1 + g.AdvanceX);
      if (!inside) std::abort();
    }
    const ImVec2 s = font->CalcTextSizeA(font->FontSize, 1e6f, 0, "Zo\xC3\xAB, \xCE\xA3\xCE\xBF\xCF\x86\xCE\xAF\xCE\xB1 10:00");
    if (!std::isfinite(s.x) || !std::isfinite(s.y)) std::abort();
  }
  return 0;
}
