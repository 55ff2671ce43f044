// Open Space Board — fonts and the ImGui style of the kiosk.
// Fonts come from Debian packages, found at run time: Noto Sans for text (Latin, Greek,
// Cyrillic), DejaVu Sans merged in for the few symbols Noto lacks (▶ ● ○ ◐ ⌫ ⇧ ✓ ▸), and DejaVu
// alone when Noto is missing. Every size the screens use is rasterised at that size times the
// UI scale, so nothing is scaled up blurry.
//
// The built atlas can be kept in a cache file (fonts.hpp, font_cache.cpp): the kiosk reads it back
// instead of rasterising again, which was most of its start-up time.
//
// [SECTION] Font files
// [SECTION] Glyph ranges
// [SECTION] Font plan: which file at which size, in the order of the Fonts table
// [SECTION] Cache key: everything the built atlas depends on
// [SECTION] load_fonts, setup_style, setup_fonts_and_style
#include <ft2build.h>
#include FT_FREETYPE_H
#include <imgui_freetype.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>

#include "ui/fonts.hpp"
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
    0x2605, 0x2605,  // ★ ("I'll come")
    0x26A0, 0x26A0,  // ⚠ (a session over its room's seats)
    0x2713, 0x2713,  // ✓
    0,
};

Fonts g_fonts;

// [SECTION] Font plan: which file at which size, in the order of the Fonts table

struct FontSpec {
  const char* text = nullptr;     // the text face
  const char* symbols = nullptr;  // merged in for the symbols (nullptr or the same file: none)
  float size = 0;                 // pixels, scale applied
};

ImFontConfig font_config() {
  ImFontConfig cfg;
  cfg.OversampleH = 1;  // FreeType renders at the exact size; no oversampling needed
  cfg.OversampleV = 1;
  cfg.PixelSnapH = true;
  return cfg;
}

constexpr unsigned kBuilderFlags = ImGuiFreeTypeBuilderFlags_LightHinting;
constexpr int kAtlasWidth = 2048;
constexpr std::size_t kFontCount = 7;

// body, cell, header, key, field, clock, huge (the order of Fonts); empty when a face is missing.
std::vector<FontSpec> font_plan(float s) {
  const char* regular = regular_text_font();
  const char* bold = bold_text_font();
  if (!regular || !bold) return {};
  const char* sym = symbol_font(false);
  const char* sym_bold = symbol_font(true);
  return {{regular, sym, 28 * s}, {bold, sym_bold, 30 * s}, {bold, sym_bold, 36 * s}, {regular, sym, 36 * s},
          {regular, sym, 40 * s}, {bold, sym_bold, 48 * s}, {bold, sym_bold, 64 * s}};
}

bool merges_symbols(const FontSpec& f) { return f.symbols && std::string_view(f.symbols) != f.text; }

ImFont* add_font(ImFontAtlas& atlas, const FontSpec& f) {
  const ImFontConfig cfg = font_config();
  ImFont* font = atlas.AddFontFromFileTTF(f.text, f.size, &cfg, kTextRanges);
  if (font && merges_symbols(f)) {
    ImFontConfig merge = cfg;
    merge.MergeMode = true;
    atlas.AddFontFromFileTTF(f.symbols, f.size, &merge, kSymbolRanges);
  }
  return font;
}

// [SECTION] Cache key: everything the built atlas depends on

void describe_file(std::string& key, const char* path) {
  struct stat st{};
  key += path;
  if (::stat(path, &st) == 0)
    key += ", " + std::to_string(st.st_size) + " bytes, mtime " + std::to_string(st.st_mtim.tv_sec) + "." +
           std::to_string(st.st_mtim.tv_nsec);
  key += "\n";
}

void describe_ranges(std::string& key, const ImWchar* r) {
  char buf[16];
  for (; *r; ++r) {
    std::snprintf(buf, sizeof buf, "%X ", static_cast<unsigned>(*r));
    key += buf;
  }
  key += "\n";
}

// A text naming the library versions, the builder settings, the glyph ranges and each font's
// size and files: two atlases with the same key are built alike.
std::string cache_key(const std::vector<FontSpec>& plan) {
  std::string key = "Open Space Board font atlas\nimgui ";
  key += ImGui::GetVersion();
  FT_Library ft = nullptr;
  if (FT_Init_FreeType(&ft) == 0) {
    FT_Int major = 0, minor = 0, patch = 0;
    FT_Library_Version(ft, &major, &minor, &patch);
    key += ", freetype " + std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
    FT_Done_FreeType(ft);
  }
  const ImFontConfig cfg = font_config();
  key += "\natlas width " + std::to_string(kAtlasWidth) + ", builder flags " + std::to_string(kBuilderFlags) +
         ", oversample " + std::to_string(cfg.OversampleH) + "x" + std::to_string(cfg.OversampleV) + ", pixel snap " +
         std::to_string(cfg.PixelSnapH) + "\ntext ranges ";
  describe_ranges(key, kTextRanges);
  key += "symbol ranges ";
  describe_ranges(key, kSymbolRanges);
  for (const FontSpec& f : plan) {
    char size[48];
    std::snprintf(size, sizeof size, "font %a px: ", static_cast<double>(f.size));  // exact: the scale is in it
    key += size;
    describe_file(key, f.text);
    if (merges_symbols(f)) {
      key += "  + ";
      describe_file(key, f.symbols);
    }
  }
  return key;
}

void build_from_files(ImFontAtlas& atlas, const std::vector<FontSpec>& plan) {
  atlas.FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
  atlas.FontBuilderFlags = kBuilderFlags;
  atlas.TexDesiredWidth = kAtlasWidth;
  // No power-of-two height: it would double the texture for a few rows of glyphs.
  atlas.Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight;
  for (const FontSpec& f : plan)
    if (!add_font(atlas, f)) return;
  atlas.Build();
}

// The table from the atlas's fonts, in plan order; false when the atlas does not hold them all.
bool take_fonts(const ImFontAtlas& atlas) {
  if (atlas.Fonts.Size != static_cast<int>(kFontCount) || !atlas.IsBuilt() || !atlas.TexPixelsAlpha8) return false;
  ImFont* const* f = atlas.Fonts.Data;
  g_fonts = Fonts{f[0], f[1], f[2], f[3], f[4], f[5], f[6]};
  return true;
}

}  // namespace

const Fonts& fonts() { return g_fonts; }

// [SECTION] load_fonts, setup_style, setup_fonts_and_style

FontLoad load_fonts(ImFontAtlas& atlas, float scale, const std::string& cache_path) {
  FontLoad out;
  const std::vector<FontSpec> plan = font_plan(scale > 0 ? scale : 1.0f);
  atlas.Clear();
  if (plan.size() == kFontCount) {
    const std::string key = cache_key(plan);
    if (!cache_path.empty()) {
      std::string why;
      out.from_cache = font_cache::read(cache_path, key, atlas, why) == font_cache::Read::Loaded && take_fonts(atlas);
      if (!out.from_cache) out.not_cached = why.empty() ? "it does not hold the kiosk's seven fonts" : why;
    }
    out.fonts_found = out.from_cache;
    if (!out.from_cache) {
      atlas.Clear();
      build_from_files(atlas, plan);
      out.fonts_found = take_fonts(atlas);
      if (out.fonts_found && !cache_path.empty()) {
        font_cache::write(cache_path, font_cache::serialize(atlas, key), out.write_error);
      }
    }
  }
  if (!out.fonts_found) {
    atlas.Clear();
    ImFont* def = atlas.AddFontDefault();
    atlas.Build();
    g_fonts = Fonts{def, def, def, def, def, def, def};
  }
  return out;
}

void setup_style(const UiConfig& config) {
  const float s = config.scale > 0 ? config.scale : 1.0f;
  ImGui::GetIO().FontDefault = g_fonts.body;

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
}

bool setup_fonts_and_style(const UiConfig& config) {
  const bool found = load_fonts(*ImGui::GetIO().Fonts, config.scale).fonts_found;
  setup_style(config);
  return found;
}

}  // namespace osb::ui
