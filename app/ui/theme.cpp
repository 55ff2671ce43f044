// Open Space Board — fonts and the ImGui style of the kiosk.
// Fonts come from Debian packages, found at run time: Noto Sans for text (Latin, Greek,
// Cyrillic), DejaVu Sans merged in for the few symbols Noto lacks (▶ ● ○ ◐ ⌫ ⇧ ✓ ▸), and DejaVu
// alone when Noto is missing. Every size the screens use is rasterised at that size times the
// UI scale, so nothing is scaled up blurry.
//
// [SECTION] Font files
// [SECTION] Glyph ranges
// [SECTION] setup_fonts_and_style
#include <imgui_freetype.h>

#include <filesystem>

#include "ui/ui_internal.hpp"

namespace osb::ui {

namespace {

// [SECTION] Font files

const char* first_existing(std::initializer_list<const char*> paths) {
  std::error_code ec;
  for (const char* p : paths)
    if (std::filesystem::is_regular_file(p, ec)) return p;
  return nullptr;
}

const char* regular_text_font() {
  return first_existing({"/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
                         "/usr/share/fonts/noto/NotoSans-Regular.ttf",
                         "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                         "/usr/share/fonts/TTF/DejaVuSans.ttf"});
}
const char* bold_text_font() {
  return first_existing({"/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
                         "/usr/share/fonts/noto/NotoSans-Bold.ttf",
                         "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
                         "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"});
}
const char* symbol_font(bool bold) {
  return bold ? first_existing({"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
                                "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"})
              : first_existing({"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                                "/usr/share/fonts/TTF/DejaVuSans.ttf"});
}

// [SECTION] Glyph ranges (static: the atlas reads them when it builds)

// Chosen to keep the atlas small (it is rasterised at every size): the letters European
// languages use, not every historic or phonetic one.
const ImWchar kTextRanges[] = {
    0x0020, 0x017F,  // Basic Latin, Latin-1, Latin Extended-A
    0x0218, 0x021B,  // Latin Extended-B: Romanian ș ț
    0x0370, 0x03FF,  // Greek
    0x0400, 0x045F,  // Cyrillic (Russian, Ukrainian, Belarusian, Serbian, Macedonian, Bulgarian)
    0x0490, 0x0491,  // Ukrainian ґ
    0x1EA0, 0x1EF9,  // Latin Extended Additional: Vietnamese
    0x2010, 0x2027,  // dashes, quotes, bullet, … (General Punctuation)
    0x20AC, 0x20AC,  // €
    0,
};
const ImWchar kSymbolRanges[] = {
    0x2190, 0x21FF,  // arrows (⇧)
    0x2300, 0x23FF,  // ⌫
    0x25A0, 0x25FF,  // geometric shapes (▶ ▸ ● ○ ◐)
    0x2713, 0x2713,  // ✓
    0,
};

Fonts g_fonts;

ImFont* add_font(ImFontAtlas* atlas, const char* text_path, const char* symbols_path, float size) {
  ImFontConfig cfg;
  cfg.OversampleH = 1;  // FreeType renders at the exact size; no oversampling needed
  cfg.OversampleV = 1;
  cfg.PixelSnapH = true;
  ImFont* font = atlas->AddFontFromFileTTF(text_path, size, &cfg, kTextRanges);
  if (font && symbols_path && std::string_view(symbols_path) != text_path) {
    ImFontConfig merge = cfg;
    merge.MergeMode = true;
    atlas->AddFontFromFileTTF(symbols_path, size, &merge, kSymbolRanges);
  }
  return font;
}

}  // namespace

const Fonts& fonts() { return g_fonts; }

// [SECTION] setup_fonts_and_style

bool setup_fonts_and_style(const UiConfig& config) {
  ImGuiIO& io = ImGui::GetIO();
  const float s = config.scale > 0 ? config.scale : 1.0f;
  const char* regular = regular_text_font();
  const char* bold = bold_text_font();
  bool ok = regular && bold;
  io.Fonts->Clear();
  if (ok) {
    io.Fonts->FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
    io.Fonts->FontBuilderFlags = ImGuiFreeTypeBuilderFlags_LightHinting;
    io.Fonts->TexDesiredWidth = 2048;
    // No power-of-two height: it would double the texture for a few rows of glyphs.
    io.Fonts->Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight;
    const char* sym = symbol_font(false);
    const char* sym_bold = symbol_font(true);
    g_fonts.body = add_font(io.Fonts, regular, sym, 28 * s);
    g_fonts.cell = add_font(io.Fonts, bold, sym_bold, 30 * s);
    g_fonts.header = add_font(io.Fonts, bold, sym_bold, 36 * s);
    g_fonts.key = add_font(io.Fonts, regular, sym, 36 * s);
    g_fonts.field = add_font(io.Fonts, regular, sym, 40 * s);
    g_fonts.clock = add_font(io.Fonts, bold, sym_bold, 48 * s);
    g_fonts.huge = add_font(io.Fonts, bold, sym_bold, 64 * s);
    ok = g_fonts.body && g_fonts.cell && g_fonts.header && g_fonts.key && g_fonts.field && g_fonts.clock &&
         g_fonts.huge;
  }
  if (!ok) {
    io.Fonts->Clear();
    ImFont* def = io.Fonts->AddFontDefault();
    g_fonts = Fonts{def, def, def, def, def, def, def};
  }
  io.FontDefault = g_fonts.body;

  ImGuiStyle& style = ImGui::GetStyle();
  style = ImGuiStyle();
  ImGui::StyleColorsDark(&style);
  style.WindowPadding = ImVec2(0, 0);
  style.WindowBorderSize = 0;
  style.WindowRounding = 0;
  style.ScrollbarSize = 0;
  style.TouchExtraPadding = ImVec2(0, 0);
  style.ScaleAllSizes(s);
  style.Colors[ImGuiCol_WindowBg] = ImGui::ColorConvertU32ToFloat4(theme::page);
  style.Colors[ImGuiCol_Text] = ImGui::ColorConvertU32ToFloat4(theme::text);
  style.Colors[ImGuiCol_PopupBg] = ImGui::ColorConvertU32ToFloat4(theme::dialog);
  style.Colors[ImGuiCol_ModalWindowDimBg] = ImGui::ColorConvertU32ToFloat4(theme::dim);
  return ok;
}

}  // namespace osb::ui
