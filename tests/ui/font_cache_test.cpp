// The font atlas cache (app/ui/fonts.hpp): an atlas read back from the cache is the atlas built
// from the font files (pixels, tables and the board drawn with it, vertex for vertex); a cache
// built for other sizes is rebuilt; a truncated, garbled or unreadable cache is never drawn from
// and never crashes (every truncation, and seeded byte flips with and without a repaired
// checksum, the way a fuzzer would go past it).
#include <doctest/doctest.h>
#include <imgui.h>
#include <sys/stat.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "support/temp_dir.hpp"
#include "ui/fonts.hpp"
#include "ui_harness.hpp"

namespace {

using osb::test::TempDir;
using osb::test::UiHarness;
namespace font_cache = osb::ui::font_cache;

std::vector<std::uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(bytes.data()),
                                                                  static_cast<std::streamsize>(bytes.size()));
}

// Everything drawing reads from an atlas, compared field by field.
void require_same_atlas(const ImFontAtlas& a, const ImFontAtlas& b) {
  REQUIRE(a.TexWidth == b.TexWidth);
  REQUIRE(a.TexHeight == b.TexHeight);
  REQUIRE(a.TexPixelsAlpha8 != nullptr);
  REQUIRE(b.TexPixelsAlpha8 != nullptr);
  CHECK(std::memcmp(a.TexPixelsAlpha8, b.TexPixelsAlpha8, static_cast<std::size_t>(a.TexWidth) * a.TexHeight) == 0);
  CHECK(a.TexUvScale.x == b.TexUvScale.x);
  CHECK(a.TexUvScale.y == b.TexUvScale.y);
  CHECK(a.TexUvWhitePixel.x == b.TexUvWhitePixel.x);
  CHECK(a.TexUvWhitePixel.y == b.TexUvWhitePixel.y);
  CHECK(std::memcmp(a.TexUvLines, b.TexUvLines, sizeof a.TexUvLines) == 0);
  CHECK(a.IsBuilt());
  CHECK(b.IsBuilt());
  REQUIRE(a.Fonts.Size == b.Fonts.Size);
  for (int i = 0; i < a.Fonts.Size; ++i) {
    CAPTURE(i);
    const ImFont& fa = *a.Fonts[i];
    const ImFont& fb = *b.Fonts[i];
    CHECK(fa.FontSize == fb.FontSize);
    CHECK(fa.Scale == fb.Scale);
    CHECK(fa.Ascent == fb.Ascent);
    CHECK(fa.Descent == fb.Descent);
    CHECK(fa.FallbackChar == fb.FallbackChar);
    CHECK(fa.EllipsisChar == fb.EllipsisChar);
    CHECK(fa.DotChar == fb.DotChar);
    CHECK(fa.FallbackAdvanceX == fb.FallbackAdvanceX);
    REQUIRE(fa.FallbackGlyph != nullptr);
    REQUIRE(fb.FallbackGlyph != nullptr);
    CHECK(fa.FallbackGlyph->Codepoint == fb.FallbackGlyph->Codepoint);
    REQUIRE(fa.Glyphs.Size == fb.Glyphs.Size);
    for (int g = 0; g < fa.Glyphs.Size; ++g) {
      const ImFontGlyph& x = fa.Glyphs[g];
      const ImFontGlyph& y = fb.Glyphs[g];
      const bool same = x.Codepoint == y.Codepoint && x.Visible == y.Visible && x.Colored == y.Colored &&
                        x.AdvanceX == y.AdvanceX && x.X0 == y.X0 && x.Y0 == y.Y0 && x.X1 == y.X1 && x.Y1 == y.Y1 &&
                        x.U0 == y.U0 && x.V0 == y.V0 && x.U1 == y.U1 && x.V1 == y.V1;
      if (!same) FAIL_CHECK("glyph " << g << " (U+" << std::hex << x.Codepoint << ") differs");
    }
    REQUIRE(fa.IndexLookup.Size == fb.IndexLookup.Size);
    CHECK(std::memcmp(fa.IndexLookup.Data, fb.IndexLookup.Data, sizeof(ImWchar) * fa.IndexLookup.Size) == 0);
    REQUIRE(fa.IndexAdvanceX.Size == fb.IndexAdvanceX.Size);
    CHECK(std::memcmp(fa.IndexAdvanceX.Data, fb.IndexAdvanceX.Data, sizeof(float) * fa.IndexAdvanceX.Size) == 0);
  }
}

// What one frame drew: every vertex, index and command, in order.
struct Drawn {
  std::vector<ImDrawVert> vertices;
  std::vector<ImDrawIdx> indices;
  std::vector<float> commands;  // clip rectangle, element count, offsets
};

Drawn capture(const ImDrawData& d) {
  Drawn out;
  for (int n = 0; n < d.CmdListsCount; ++n) {
    const ImDrawList& l = *d.CmdLists[n];
    out.vertices.insert(out.vertices.end(), l.VtxBuffer.begin(), l.VtxBuffer.end());
    out.indices.insert(out.indices.end(), l.IdxBuffer.begin(), l.IdxBuffer.end());
    for (const ImDrawCmd& c : l.CmdBuffer)
      out.commands.insert(out.commands.end(), {c.ClipRect.x, c.ClipRect.y, c.ClipRect.z, c.ClipRect.w,
                                               float(c.ElemCount), float(c.IdxOffset), float(c.VtxOffset)});
  }
  return out;
}

bool same_vertices(const Drawn& a, const Drawn& b) {
  if (a.vertices.size() != b.vertices.size()) return false;
  for (std::size_t i = 0; i < a.vertices.size(); ++i) {
    const ImDrawVert &x = a.vertices[i], &y = b.vertices[i];
    if (x.pos.x != y.pos.x || x.pos.y != y.pos.y || x.uv.x != y.uv.x || x.uv.y != y.uv.y || x.col != y.col) return false;
  }
  return true;
}

// A fresh cache file at `path`, written by building the fonts; its bytes.
std::vector<std::uint8_t> make_cache(const std::string& path) {
  ImFontAtlas atlas;
  const osb::ui::FontLoad built = osb::ui::load_fonts(atlas, 1.0f, path);
  REQUIRE(built.fonts_found);
  REQUIRE_FALSE(built.from_cache);
  REQUIRE(std::filesystem::exists(path));
  return read_bytes(path);
}

// The key load_fonts uses is inside the file: after the magic, version, byte order and ImWchar size.
std::string key_of(const std::vector<std::uint8_t>& bytes) {
  std::uint32_t n = 0;
  std::memcpy(&n, bytes.data() + 20, 4);
  return std::string(reinterpret_cast<const char*>(bytes.data()) + 24, n);
}

}  // namespace

TEST_CASE("the font atlas read from the cache is the atlas built from the font files, and draws the board alike") {
  TempDir dir;
  const std::string path = dir.file("font-atlas.cache");

  ImFontAtlas built;
  const osb::ui::FontLoad first = osb::ui::load_fonts(built, 1.0f, path);
  REQUIRE(first.fonts_found);
  CHECK_FALSE(first.from_cache);
  CHECK(first.not_cached == "there is none yet");
  CHECK(first.write_error.empty());
  REQUIRE(std::filesystem::exists(path));
  CHECK_FALSE(std::filesystem::exists(path + ".tmp-" + std::to_string(::getpid())));

  ImFontAtlas cached;
  const osb::ui::FontLoad second = osb::ui::load_fonts(cached, 1.0f, path);
  REQUIRE(second.fonts_found);
  CHECK(second.from_cache);
  CHECK(second.write_error.empty());
  require_same_atlas(built, cached);

  // The same board drawn with each atlas: identical draw lists. Each atlas draws a few frames
  // first (the first frames of a screen differ from the steady ones), at the same time.
  UiHarness h;
  REQUIRE(h.fonts_found);
  const auto t = h.now;
  ImGuiIO& io = ImGui::GetIO();
  ImFontAtlas* own = io.Fonts;
  auto draw_with = [&](ImFontAtlas& atlas) {
    io.Fonts = &atlas;
    osb::ui::setup_style(h.config);
    for (int i = 0; i < 3; ++i) {
      h.now = t;
      h.frame(std::chrono::milliseconds(0));
    }
    return capture(*ImGui::GetDrawData());
  };
  ImFontAtlas fresh;
  CHECK_FALSE(osb::ui::load_fonts(fresh, 1.0f, "").from_cache);  // no cache: built from the files
  const Drawn f1 = draw_with(fresh);
  ImFontAtlas from_cache;
  CHECK(osb::ui::load_fonts(from_cache, 1.0f, path).from_cache);  // also sets the UI's font table
  const Drawn c = draw_with(from_cache);
  osb::ui::load_fonts(fresh, 1.0f, "");
  const Drawn f2 = draw_with(fresh);
  io.Fonts = own;
  osb::ui::load_fonts(*own, 1.0f, "");
  REQUIRE(f1.vertices.size() > 1000);  // a whole board, with text
  REQUIRE(same_vertices(f1, f2));       // steady: the comparison below means something
  CHECK(same_vertices(c, f2));
  CHECK(c.indices == f2.indices);
  CHECK(c.commands == f2.commands);
}

TEST_CASE("a font cache built for another scale is rebuilt, not used") {
  TempDir dir;
  const std::string path = dir.file("font-atlas.cache");
  make_cache(path);
  ImFontAtlas atlas;
  const osb::ui::FontLoad other = osb::ui::load_fonts(atlas, 1.5f, path);
  CHECK(other.fonts_found);
  CHECK_FALSE(other.from_cache);
  CHECK(other.not_cached == "it was built from other fonts, sizes or library versions");
  CHECK(atlas.Fonts[0]->FontSize == doctest::Approx(28 * 1.5f));
  // Rewritten for the new scale: the next start at 1.5 reads it.
  ImFontAtlas again;
  CHECK(osb::ui::load_fonts(again, 1.5f, path).from_cache);
}

TEST_CASE("a truncated, garbled or unreadable font cache is rebuilt and replaced") {
  TempDir dir;
  const std::string path = dir.file("font-atlas.cache");
  const std::vector<std::uint8_t> good = make_cache(path);
  ImFontAtlas reference;
  REQUIRE(osb::ui::load_fonts(reference, 1.0f, path).from_cache);

  struct Damage {
    const char* what;
    std::vector<std::uint8_t> bytes;
  };
  std::vector<Damage> cases;
  cases.push_back({"empty", {}});
  cases.push_back({"cut after the header", {good.begin(), good.begin() + 64}});
  cases.push_back({"cut in half", {good.begin(), good.begin() + good.size() / 2}});
  cases.push_back({"one byte short", {good.begin(), good.end() - 1}});
  std::vector<std::uint8_t> flipped = good;
  flipped[flipped.size() / 2] ^= 0x40;  // in the pixels
  cases.push_back({"a pixel flipped", flipped});
  flipped = good;
  flipped[good.size() / 1000 + key_of(good).size()] ^= 0x01;  // in the tables
  cases.push_back({"a glyph table byte flipped", flipped});
  std::vector<std::uint8_t> garbage(good.size());
  std::mt19937 rng(12);
  for (auto& b : garbage) b = static_cast<std::uint8_t>(rng());
  cases.push_back({"random bytes", garbage});

  for (const Damage& d : cases) {
    CAPTURE(std::string(d.what));
    write_bytes(path, d.bytes);
    ImFontAtlas atlas;
    const osb::ui::FontLoad load = osb::ui::load_fonts(atlas, 1.0f, path);
    CHECK(load.fonts_found);
    CHECK_FALSE(load.from_cache);
    CHECK_FALSE(load.not_cached.empty());
    CHECK(load.write_error.empty());
    require_same_atlas(reference, atlas);
    CHECK(read_bytes(path) == good);  // replaced by a whole, valid file
  }

  SUBCASE("a folder where the cache should be: the fonts are built and the kiosk is told") {
    std::filesystem::remove(path);
    std::filesystem::create_directories(path);
    ImFontAtlas atlas;
    const osb::ui::FontLoad load = osb::ui::load_fonts(atlas, 1.0f, path);
    CHECK(load.fonts_found);
    CHECK_FALSE(load.from_cache);
    CHECK(load.write_error.find("could not be written") != std::string::npos);
    require_same_atlas(reference, atlas);
  }
}

TEST_CASE("every truncation and seeded byte flips of a font cache are refused or read safely") {
  // A small atlas (ImGui's own 13 px font) so thousands of variants run in a moment; the format
  // and the checks are the same as for the kiosk's seven fonts.
  ImFontAtlas small;
  small.AddFontDefault();
  REQUIRE(small.Build());
  const std::string key = "fuzz key";
  const std::vector<std::uint8_t> good = font_cache::serialize(small, key);
  REQUIRE(good.size() > 1000);
  std::string why;
  ImFontAtlas atlas;
  REQUIRE(font_cache::deserialize(good.data(), good.size(), key, atlas, why) == font_cache::Read::Loaded);
  require_same_atlas(small, atlas);
  CHECK(font_cache::deserialize(good.data(), good.size(), "another key", atlas, why) == font_cache::Read::Stale);
  CHECK(why == "it was built from other fonts, sizes or library versions");

  // Every cut, with and without a checksum that matches what is left.
  const std::size_t tables = good.size() - static_cast<std::size_t>(small.TexWidth) * small.TexHeight - 8;
  for (std::size_t n = 0; n < good.size(); ++n) {
    std::vector<std::uint8_t> cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
    for (int repaired = 0; repaired < 2; ++repaired) {
      if (repaired) font_cache::repair_checksum(cut);
      if (font_cache::deserialize(cut.data(), cut.size(), key, atlas, why) == font_cache::Read::Loaded)
        FAIL_CHECK("a cache cut to " << n << " bytes was read");
      if (atlas.Fonts.Size != 0 || atlas.TexPixelsAlpha8) FAIL_CHECK("a refused cache left fonts behind at " << n);
    }
  }

  // Flips in the tables. Without a repaired checksum each is refused; with one (as a fuzzer or a
  // hand would make it), each is refused or gives an atlas whose every glyph stays inside the
  // texture and whose text can be measured and drawn.
  std::mt19937 rng(7);
  long read_anyway = 0;
  for (int round = 0; round < 20000; ++round) {
    std::vector<std::uint8_t> bytes = good;
    const int flips = 1 + round % 4;
    for (int f = 0; f < flips; ++f) {
      const std::size_t at = rng() % tables;
      if (round % 2) bytes[at] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
      else bytes[at] = static_cast<std::uint8_t>(rng());
    }
    if (bytes == good) continue;
    if (font_cache::deserialize(bytes.data(), bytes.size(), key, atlas, why) == font_cache::Read::Loaded)
      FAIL_CHECK("round " << round << ": a garbled cache was read despite its checksum");
    font_cache::repair_checksum(bytes);
    if (font_cache::deserialize(bytes.data(), bytes.size(), key, atlas, why) != font_cache::Read::Loaded) {
      if (atlas.Fonts.Size != 0 || why.empty()) FAIL_CHECK("round " << round << ": refused without a reason or left fonts");
      continue;
    }
    ++read_anyway;
    REQUIRE(atlas.Fonts.Size >= 1);
    for (const ImFont* font : atlas.Fonts) {
      REQUIRE(font->FallbackGlyph != nullptr);
      for (const ImFontGlyph& g : font->Glyphs) {
        const bool inside = g.U0 >= 0 && g.U0 <= 1 && g.U1 >= 0 && g.U1 <= 1 && g.V0 >= 0 && g.V0 <= 1 && g.V1 >= 0 &&
                            g.V1 <= 1 && std::isfinite(g.X0 + g.X1 + g.Y0 + g.Y1 + g.AdvanceX);
        if (!inside) FAIL_CHECK("round " << round << ": a glyph outside the texture was read");
      }
      const ImVec2 size = font->CalcTextSizeA(font->FontSize, 1e6f, 0, "Zo\xC3\xAB and Lukasz, 10:00");
      if (!std::isfinite(size.x)) FAIL_CHECK("round " << round << ": text measured as " << size.x);
    }
  }
  MESSAGE(read_anyway << " of 20000 garbled caches with a repaired checksum were in range and read");
}
