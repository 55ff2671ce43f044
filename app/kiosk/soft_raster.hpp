// Open Space Board — a software rasteriser for Dear ImGui draw lists.
// Without a GPU, SDL's software renderer draws ImGui's triangles one at a time through a generic
// textured-triangle path: ~40 ms for a full board at 1920x1080. ImGui's output is mostly
// axis-aligned quads (solid rectangles and glyphs copied 1:1 from the font atlas), so this
// rasteriser recognises those and fills or blits them directly, and rasterises everything else
// (rounded corners, anti-aliased fringes, circles) with a scanline triangle filler that follows
// the top-left rule: triangles sharing an edge never blend a pixel twice.
// It writes 0x00RRGGBB pixels (SDL_PIXELFORMAT_RGB888) and knows one texture: the font atlas,
// kept as 8-bit alpha (ImGui's RGBA32 atlas would be 4 times larger, its texels all white).
// No SDL here, so tests can draw into plain memory.
#pragma once
#include <imgui.h>

#include <cstdint>
#include <vector>

namespace osb::kiosk {

// Where to draw: width x height pixels, rows `pitch` pixels apart, each 0x00RRGGBB.
struct PixelTarget {
  std::uint32_t* pixels = nullptr;
  int width = 0, height = 0;
  int pitch = 0;  // in pixels
};

class SoftRaster {
 public:
  // Counts of what the last render() did, to see which paths a frame takes.
  struct Stats {
    long rects = 0;      // solid axis-aligned quads filled directly
    long glyphs = 0;     // 1:1 textured quads blitted from the atlas
    long polygons = 0;   // convex triangle fans (rounded rectangles, circles) filled as one shape
    long triangles = 0;  // everything else, through the scanline filler
    long skipped = 0;    // commands with a texture this rasteriser does not know
  };

  // Copies the font atlas (ImFontAtlas::GetTexDataAsAlpha8) so ImGui may free its own pixels.
  void set_atlas(const std::uint8_t* alpha, int width, int height);
  // The ImTextureID that stands for the atlas (give it to ImFontAtlas::SetTexID).
  ImTextureID texture_id() const { return const_cast<std::vector<std::uint8_t>*>(&atlas_); }
  bool has_atlas() const { return !atlas_.empty(); }
  std::size_t atlas_bytes() const { return atlas_.size(); }

  // Fills the whole target with one colour (0x00RRGGBB).
  static void clear(const PixelTarget& target, std::uint32_t rgb);
  // Draws ImGui's draw data over what the target holds, blending as SDL_BLENDMODE_BLEND does.
  void render(const ImDrawData& data, const PixelTarget& target);
  // A whole frame: the background colour, then the draw data. The clear is skipped when the first
  // thing drawn is an opaque rectangle over the whole target.
  void render_frame(const ImDrawData& data, const PixelTarget& target, std::uint32_t background);
  const Stats& stats() const { return stats_; }

 private:
  struct Clip {
    int x0, y0, x1, y1;  // pixels x0..x1-1, y0..y1-1
  };
  bool first_covers(const ImDrawData& data, const PixelTarget& t) const;
  unsigned fan(const ImDrawVert* vtx, const ImDrawIdx* idx, unsigned count, const Clip& clip, const PixelTarget& t);
  void convex_polygon(std::uint32_t rgb, unsigned alpha, const Clip& clip, const PixelTarget& t);
  bool try_quad(const ImDrawVert* vtx, const ImDrawIdx* idx, const Clip& clip, const PixelTarget& t);
  void fill_rect(float x0, float y0, float x1, float y1, ImU32 col, unsigned texel_alpha, const Clip& clip,
                 const PixelTarget& t);
  void blit_glyph(int x0, int y0, int x1, int y1, int tx, int ty, ImU32 col, const Clip& clip, const PixelTarget& t);
  void triangle(const ImDrawVert& a, const ImDrawVert& b, const ImDrawVert& c, const Clip& clip, const PixelTarget& t);
  unsigned texel(float u, float v) const;

  std::vector<std::uint8_t> atlas_;
  std::vector<ImVec2> poly_;  // the fan being filled, reused between fans
  int atlas_w_ = 0, atlas_h_ = 0;
  Stats stats_;
};

}  // namespace osb::kiosk
