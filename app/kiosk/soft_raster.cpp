// Open Space Board — software rasteriser for Dear ImGui draw lists (see soft_raster.hpp).
// [SECTION] Pixels: colour conversion and blending
// [SECTION] Atlas and clear
// [SECTION] Draw data walk
// [SECTION] Axis-aligned quads: fills and glyph blits
// [SECTION] Convex fans: one polygon instead of many thin triangles
// [SECTION] Triangles: scanline filler with the top-left rule
#include "kiosk/soft_raster.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace osb::kiosk {

namespace {

// [SECTION] Pixels: colour conversion and blending

// ImGui's ImU32 is 0xAABBGGRR; the target is 0x00RRGGBB.
inline std::uint32_t rgb_of(ImU32 c) { return ((c & 0xFFu) << 16) | (c & 0xFF00u) | ((c >> 16) & 0xFFu); }
inline unsigned alpha_of(ImU32 c) { return c >> 24; }

// a * b / 255, rounded (exact for all 8-bit inputs).
inline unsigned mul255(unsigned a, unsigned b) {
  const unsigned t = a * b + 128;
  return (t + (t >> 8)) >> 8;
}

// dst * (255 - a) / 255 + src * a / 255 per channel, as SDL_BLENDMODE_BLEND on an opaque target.
// Red and blue share one 32-bit multiply: each lane stays below 2^16, so no lane carries over.
inline std::uint32_t blend(std::uint32_t dst, std::uint32_t src, unsigned a) {
  const unsigned na = 255 - a;
  std::uint32_t rb = (dst & 0xFF00FFu) * na + (src & 0xFF00FFu) * a + 0x800080u;
  rb = ((rb + ((rb >> 8) & 0xFF00FFu)) >> 8) & 0xFF00FFu;
  std::uint32_t g = ((dst >> 8) & 0xFFu) * na + ((src >> 8) & 0xFFu) * a + 0x80u;
  g = ((g + (g >> 8)) >> 8) & 0xFFu;
  return rb | (g << 8);
}

inline void span(std::uint32_t* row, int x0, int x1, std::uint32_t rgb, unsigned a) {
  if (a >= 255) {
    std::fill(row + x0, row + x1, rgb);
  } else if (a > 0) {
    for (int x = x0; x < x1; ++x) row[x] = blend(row[x], rgb, a);
  }
}

inline int clamp_byte(float v) { return v <= 0.f ? 0 : v >= 255.f ? 255 : static_cast<int>(v + 0.5f); }

// First pixel whose centre (x + 0.5) is at or right of `edge`: the same rule for every edge, so
// two triangles (or quads) that share an edge share no pixel and leave no gap.
// (ceil by hand: without SSE4.1, std::ceil is a libm call per span end.)
inline int first_pixel(float edge) {
  const float e = edge - 0.5f;
  const int i = static_cast<int>(e);  // truncates toward zero
  return i + (static_cast<float>(i) < e ? 1 : 0);
}

// An edge, ready to give where it crosses a row centre. The end points are put in one canonical
// order first, so both shapes that share the edge compute bit-identical crossings.
struct Edge {
  float px, py, slope;
  Edge(const ImVec2& a, const ImVec2& b) {
    const bool swap = b.y < a.y || (b.y == a.y && b.x < a.x);
    const ImVec2& p = swap ? b : a;
    const ImVec2& q = swap ? a : b;
    px = p.x;
    py = p.y;
    slope = q.y != p.y ? (q.x - p.x) / (q.y - p.y) : 0.f;
  }
  float x_at(float yc) const { return px + (yc - py) * slope; }
};

inline float cross(const ImVec2& o, const ImVec2& a, const ImVec2& b) {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

// True when the closed polygon is convex: it turns one way only, and goes down and up once.
bool convex(const std::vector<ImVec2>& pts) {
  const std::size_t n = pts.size();
  int turn = 0, dy_changes = 0, last_dy = 0;
  int first_dy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const ImVec2 &a = pts[i], &b = pts[(i + 1) % n], &c = pts[(i + 2) % n];
    const float z = cross(a, b, c);
    const int sign = z > 0 ? 1 : z < 0 ? -1 : 0;
    if (sign != 0) {
      if (turn != 0 && sign != turn) return false;
      turn = sign;
    }
    const float dy = b.y - a.y;
    const int dy_sign = dy > 0 ? 1 : dy < 0 ? -1 : 0;
    if (dy_sign != 0) {
      if (last_dy != 0 && dy_sign != last_dy) ++dy_changes;
      if (first_dy == 0) first_dy = dy_sign;
      last_dy = dy_sign;
    }
  }
  if (last_dy != 0 && first_dy != 0 && last_dy != first_dy) ++dy_changes;  // closing the loop
  return turn != 0 && dy_changes <= 2;
}

bool integral(float v) { return v == std::floor(v); }

}  // namespace

// [SECTION] Atlas and clear

void SoftRaster::set_atlas(const std::uint8_t* alpha, int width, int height) {
  atlas_.assign(alpha, alpha + static_cast<std::size_t>(width) * height);
  atlas_.shrink_to_fit();
  atlas_w_ = width;
  atlas_h_ = height;
}

void SoftRaster::clear(const PixelTarget& t, std::uint32_t rgb) {
  for (int y = 0; y < t.height; ++y) {
    std::uint32_t* row = t.pixels + static_cast<std::ptrdiff_t>(y) * t.pitch;
    std::fill(row, row + t.width, rgb);
  }
}

unsigned SoftRaster::texel(float u, float v) const {
  if (atlas_.empty()) return 255;  // no atlas yet: draw untextured rather than nothing
  const int x = std::clamp(static_cast<int>(std::floor(u * static_cast<float>(atlas_w_))), 0, atlas_w_ - 1);
  const int y = std::clamp(static_cast<int>(std::floor(v * static_cast<float>(atlas_h_))), 0, atlas_h_ - 1);
  return atlas_[static_cast<std::size_t>(y) * atlas_w_ + x];
}

// [SECTION] Draw data walk

void SoftRaster::render_frame(const ImDrawData& data, const PixelTarget& t, std::uint32_t background) {
  if (!first_covers(data, t)) clear(t, background);
  render(data, t);
}

// True when the first thing drawn is an opaque rectangle over the whole target (a full-screen
// window's background): clearing first would write every pixel twice.
bool SoftRaster::first_covers(const ImDrawData& data, const PixelTarget& t) const {
  if (data.CmdListsCount == 0) return false;
  const ImDrawList* list = data.CmdLists[0];
  if (list->CmdBuffer.Size == 0) return false;
  const ImDrawCmd& cmd = list->CmdBuffer[0];
  if (cmd.UserCallback || cmd.ElemCount < 6 || cmd.GetTexID() != texture_id()) return false;
  if (cmd.ClipRect.x > data.DisplayPos.x || cmd.ClipRect.y > data.DisplayPos.y ||
      (cmd.ClipRect.z - data.DisplayPos.x) * data.FramebufferScale.x < static_cast<float>(t.width) ||
      (cmd.ClipRect.w - data.DisplayPos.y) * data.FramebufferScale.y < static_cast<float>(t.height))
    return false;
  const ImDrawIdx* idx = list->IdxBuffer.Data + cmd.IdxOffset;
  const ImDrawVert* vtx = list->VtxBuffer.Data + cmd.VtxOffset;
  if (idx[3] != idx[0] || idx[4] != idx[2]) return false;
  const ImDrawVert &a = vtx[idx[0]], &b = vtx[idx[1]], &c = vtx[idx[2]], &d = vtx[idx[5]];
  if (a.col != b.col || a.col != c.col || a.col != d.col || alpha_of(a.col) != 255) return false;
  if (!(a.pos.y == b.pos.y && b.pos.x == c.pos.x && c.pos.y == d.pos.y && d.pos.x == a.pos.x)) return false;
  for (const ImDrawVert* v : {&b, &c, &d})
    if (v->uv.x != a.uv.x || v->uv.y != a.uv.y) return false;
  if (texel(a.uv.x, a.uv.y) != 255) return false;
  const float x0 = std::min(a.pos.x, c.pos.x), x1 = std::max(a.pos.x, c.pos.x);
  const float y0 = std::min(a.pos.y, c.pos.y), y1 = std::max(a.pos.y, c.pos.y);
  return first_pixel(x0) <= 0 && first_pixel(y0) <= 0 && first_pixel(x1) >= t.width && first_pixel(y1) >= t.height;
}

void SoftRaster::render(const ImDrawData& data, const PixelTarget& t) {
  stats_ = {};
  const ImVec2 off = data.DisplayPos, scale = data.FramebufferScale;
  for (int n = 0; n < data.CmdListsCount; ++n) {
    const ImDrawList* list = data.CmdLists[n];
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback) {
        if (cmd.UserCallback != ImDrawCallback_ResetRenderState) cmd.UserCallback(list, &cmd);
        continue;
      }
      // The clip rectangle as imgui_impl_sdlrenderer turns it into an SDL_Rect (truncated).
      const float cx0 = std::max(0.f, (cmd.ClipRect.x - off.x) * scale.x);
      const float cy0 = std::max(0.f, (cmd.ClipRect.y - off.y) * scale.y);
      const float cx1 = std::min(static_cast<float>(t.width), (cmd.ClipRect.z - off.x) * scale.x);
      const float cy1 = std::min(static_cast<float>(t.height), (cmd.ClipRect.w - off.y) * scale.y);
      if (cx1 <= cx0 || cy1 <= cy0) continue;
      Clip clip{static_cast<int>(cx0), static_cast<int>(cy0), 0, 0};
      clip.x1 = std::min(t.width, clip.x0 + static_cast<int>(cx1 - cx0));
      clip.y1 = std::min(t.height, clip.y0 + static_cast<int>(cy1 - cy0));
      if (cmd.GetTexID() != texture_id()) {
        ++stats_.skipped;  // app/ui draws no images; only the font atlas is known here
        continue;
      }
      const ImDrawVert* vtx = list->VtxBuffer.Data + cmd.VtxOffset;
      const ImDrawIdx* idx = list->IdxBuffer.Data + cmd.IdxOffset;
      const unsigned count = cmd.ElemCount;
      for (unsigned i = 0; i + 3 <= count;) {
        if (i + 6 <= count && try_quad(vtx, idx + i, clip, t)) {
          i += 6;
          continue;
        }
        if (const unsigned used = i + 6 <= count ? fan(vtx, idx + i, count - i, clip, t) : 0) {
          i += used;
          continue;
        }
        triangle(vtx[idx[i]], vtx[idx[i + 1]], vtx[idx[i + 2]], clip, t);
        i += 3;
      }
    }
  }
}

// [SECTION] Axis-aligned quads: fills and glyph blits

// ImGui's PrimRect / PrimRectUV: vertices a b c d (clockwise from top left), indices a b c a c d.
bool SoftRaster::try_quad(const ImDrawVert* vtx, const ImDrawIdx* idx, const Clip& clip, const PixelTarget& t) {
  if (idx[3] != idx[0] || idx[4] != idx[2]) return false;
  const ImDrawVert &a = vtx[idx[0]], &b = vtx[idx[1]], &c = vtx[idx[2]], &d = vtx[idx[5]];
  if (a.col != b.col || a.col != c.col || a.col != d.col) return false;
  if (!(a.pos.y == b.pos.y && b.pos.x == c.pos.x && c.pos.y == d.pos.y && d.pos.x == a.pos.x)) return false;
  const bool same_uv = a.uv.x == b.uv.x && a.uv.y == b.uv.y && a.uv.x == c.uv.x && a.uv.y == c.uv.y &&
                       a.uv.x == d.uv.x && a.uv.y == d.uv.y;
  if (same_uv) {
    ++stats_.rects;
    fill_rect(a.pos.x, a.pos.y, c.pos.x, c.pos.y, a.col, texel(a.uv.x, a.uv.y), clip, t);
    return true;
  }
  // A glyph: the UVs span the quad one texel per pixel, on whole pixels.
  if (atlas_.empty() || !(b.uv.x == c.uv.x && b.uv.y == a.uv.y && d.uv.x == a.uv.x && d.uv.y == c.uv.y)) return false;
  if (!(c.pos.x > a.pos.x && c.pos.y > a.pos.y) || !integral(a.pos.x) || !integral(a.pos.y) || !integral(c.pos.x) ||
      !integral(c.pos.y))
    return false;
  const float tx0 = a.uv.x * static_cast<float>(atlas_w_), ty0 = a.uv.y * static_cast<float>(atlas_h_);
  const float tx1 = c.uv.x * static_cast<float>(atlas_w_), ty1 = c.uv.y * static_cast<float>(atlas_h_);
  const float rx = std::round(tx0), ry = std::round(ty0);
  constexpr float eps = 0.02f;
  if (std::fabs(tx0 - rx) > eps || std::fabs(ty0 - ry) > eps || std::fabs((tx1 - tx0) - (c.pos.x - a.pos.x)) > eps ||
      std::fabs((ty1 - ty0) - (c.pos.y - a.pos.y)) > eps)
    return false;
  const int w = static_cast<int>(c.pos.x - a.pos.x), h = static_cast<int>(c.pos.y - a.pos.y);
  if (rx < 0 || ry < 0 || static_cast<int>(rx) + w > atlas_w_ || static_cast<int>(ry) + h > atlas_h_) return false;
  ++stats_.glyphs;
  blit_glyph(static_cast<int>(a.pos.x), static_cast<int>(a.pos.y), static_cast<int>(c.pos.x), static_cast<int>(c.pos.y),
             static_cast<int>(rx), static_cast<int>(ry), a.col, clip, t);
  return true;
}

void SoftRaster::fill_rect(float x0, float y0, float x1, float y1, ImU32 col, unsigned texel_alpha, const Clip& clip,
                           const PixelTarget& t) {
  if (x1 < x0) std::swap(x0, x1);
  if (y1 < y0) std::swap(y0, y1);
  const int xs = std::max(clip.x0, first_pixel(x0)), xe = std::min(clip.x1, first_pixel(x1));
  const int ys = std::max(clip.y0, first_pixel(y0)), ye = std::min(clip.y1, first_pixel(y1));
  const unsigned a = mul255(alpha_of(col), texel_alpha);
  if (xs >= xe || ys >= ye || a == 0) return;
  const std::uint32_t rgb = rgb_of(col);
  for (int y = ys; y < ye; ++y) span(t.pixels + static_cast<std::ptrdiff_t>(y) * t.pitch, xs, xe, rgb, a);
}

void SoftRaster::blit_glyph(int x0, int y0, int x1, int y1, int tx, int ty, ImU32 col, const Clip& clip,
                            const PixelTarget& t) {
  const int xs = std::max(clip.x0, x0), xe = std::min(clip.x1, x1);
  const int ys = std::max(clip.y0, y0), ye = std::min(clip.y1, y1);
  const unsigned va = alpha_of(col);
  if (xs >= xe || ys >= ye || va == 0) return;
  const std::uint32_t rgb = rgb_of(col);
  for (int y = ys; y < ye; ++y) {
    std::uint32_t* row = t.pixels + static_cast<std::ptrdiff_t>(y) * t.pitch;
    const std::uint8_t* src = atlas_.data() + static_cast<std::size_t>(ty + y - y0) * atlas_w_ + (tx + xs - x0);
    for (int x = xs; x < xe; ++x) {
      const unsigned ta = *src++;
      if (ta == 0) continue;  // most of a glyph's box is empty
      const unsigned a = va == 255 ? ta : mul255(va, ta);
      row[x] = a == 255 ? rgb : blend(row[x], rgb, a);
    }
  }
}

// [SECTION] Convex fans: one polygon instead of many thin triangles

// ImGui fills every convex shape (rounded rectangles, circles) as a fan of triangles around its
// first vertex: (apex, v1, v2), (apex, v2, v3), ... Drawn one by one, each thin triangle costs a
// setup per row it spans; drawn as one convex polygon, each row costs one span. Returns how many
// indices it drew (0: not a fan of at least two flat triangles; draw them one by one).
unsigned SoftRaster::fan(const ImDrawVert* vtx, const ImDrawIdx* idx, unsigned count, const Clip& clip,
                         const PixelTarget& t) {
  const ImDrawVert& apex = vtx[idx[0]];
  auto same = [&](const ImDrawVert& v) { return v.col == apex.col && v.uv.x == apex.uv.x && v.uv.y == apex.uv.y; };
  if (idx[3] != idx[0] || idx[4] != idx[2] || !same(vtx[idx[1]]) || !same(vtx[idx[2]])) return 0;
  unsigned used = 3;
  while (used + 3 <= count && idx[used] == idx[0] && idx[used + 1] == idx[used - 1] && same(vtx[idx[used + 2]]))
    used += 3;
  if (used < 6) return 0;
  poly_.clear();
  poly_.push_back(apex.pos);
  poly_.push_back(vtx[idx[1]].pos);
  for (unsigned k = 2; k < used; k += 3) poly_.push_back(vtx[idx[k]].pos);
  if (!convex(poly_)) {
    // Not convex (or degenerate): its triangles may overlap, so draw them as ImGui made them.
    for (unsigned k = 0; k < used; k += 3) triangle(vtx[idx[k]], vtx[idx[k + 1]], vtx[idx[k + 2]], clip, t);
    return used;
  }
  ++stats_.polygons;
  const unsigned a = mul255(alpha_of(apex.col), texel(apex.uv.x, apex.uv.y));
  if (a > 0) convex_polygon(rgb_of(apex.col), a, clip, t);
  return used;
}

// Scanline fill of the convex polygon in poly_: its left and right chains are walked from the
// top vertex down, one edge each at a time, with the same pixel-centre rule as triangles.
void SoftRaster::convex_polygon(std::uint32_t rgb, unsigned alpha, const Clip& clip, const PixelTarget& t) {
  const int n = static_cast<int>(poly_.size());
  int top = 0, bottom = 0;
  for (int i = 1; i < n; ++i) {
    if (poly_[i].y < poly_[top].y) top = i;
    if (poly_[i].y > poly_[bottom].y) bottom = i;
  }
  const int ys = std::max(clip.y0, first_pixel(poly_[top].y)), ye = std::min(clip.y1, first_pixel(poly_[bottom].y));
  if (ys >= ye) return;
  // Chain "f" goes forward through the vertices, chain "b" backward; both end at the bottom.
  int f = top, fn = (top + 1) % n, b = top, bn = (top + n - 1) % n;
  int steps = 0;
  for (int y = ys; y < ye; ++y) {
    const float yc = static_cast<float>(y) + 0.5f;
    while (poly_[fn].y <= yc && fn != bottom && steps++ < 2 * n) {
      f = fn;
      fn = (fn + 1) % n;
    }
    while (poly_[bn].y <= yc && bn != bottom && steps++ < 2 * n) {
      b = bn;
      bn = (bn + n - 1) % n;
    }
    if (poly_[fn].y <= yc || poly_[bn].y <= yc) break;  // past the bottom (only by rounding)
    const float xa = Edge(poly_[f], poly_[fn]).x_at(yc), xb = Edge(poly_[b], poly_[bn]).x_at(yc);
    const int xs = std::max(clip.x0, first_pixel(std::min(xa, xb)));
    const int xe = std::min(clip.x1, first_pixel(std::max(xa, xb)));
    if (xs < xe) span(t.pixels + static_cast<std::ptrdiff_t>(y) * t.pitch, xs, xe, rgb, alpha);
  }
}

// [SECTION] Triangles: scanline filler with the top-left rule

// Pixels whose centres lie inside the triangle (half-open on the right and bottom), colours and
// UVs interpolated linearly at the pixel centre, the atlas sampled nearest (as SDL does).
void SoftRaster::triangle(const ImDrawVert& a, const ImDrawVert& b, const ImDrawVert& c, const Clip& clip,
                          const PixelTarget& t) {
  ++stats_.triangles;
  const ImDrawVert* v[3] = {&a, &b, &c};
  if (v[1]->pos.y < v[0]->pos.y) std::swap(v[0], v[1]);
  if (v[2]->pos.y < v[1]->pos.y) std::swap(v[1], v[2]);
  if (v[1]->pos.y < v[0]->pos.y) std::swap(v[0], v[1]);
  const ImVec2 p0 = v[0]->pos, p1 = v[1]->pos, p2 = v[2]->pos;
  const int ys = std::max(clip.y0, first_pixel(p0.y)), ye = std::min(clip.y1, first_pixel(p2.y));
  if (ys >= ye) return;
  const float area = (p1.x - p0.x) * (p2.y - p0.y) - (p2.x - p0.x) * (p1.y - p0.y);
  if (area == 0.f) return;

  const bool flat_col = a.col == b.col && a.col == c.col;
  const bool flat_uv = a.uv.x == b.uv.x && a.uv.y == b.uv.y && a.uv.x == c.uv.x && a.uv.y == c.uv.y;
  const unsigned flat_texel = flat_uv ? texel(a.uv.x, a.uv.y) : 255;
  const std::uint32_t flat_rgb = rgb_of(a.col);
  const bool alpha_only = !flat_col && flat_uv && ((a.col ^ b.col) & 0xFFFFFFu) == 0 && ((a.col ^ c.col) & 0xFFFFFFu) == 0;
  const unsigned flat_alpha = mul255(alpha_of(a.col), flat_texel);
  if (flat_col && flat_uv && flat_alpha == 0) return;

  // Attribute planes: f(x, y) = f0 + dx * (x - p0.x) + dy * (y - p0.y), for r g b a u v.
  float f0[6] = {}, dx[6] = {}, dy[6] = {};
  if (!flat_col || !flat_uv) {
    auto attrs = [](const ImDrawVert& w, float* out) {
      out[0] = static_cast<float>(w.col & 0xFF);
      out[1] = static_cast<float>((w.col >> 8) & 0xFF);
      out[2] = static_cast<float>((w.col >> 16) & 0xFF);
      out[3] = static_cast<float>(w.col >> 24);
      out[4] = w.uv.x;
      out[5] = w.uv.y;
    };
    float f1[6], f2[6];
    attrs(*v[0], f0);
    attrs(*v[1], f1);
    attrs(*v[2], f2);
    const float inv = 1.f / area;
    for (int k = 0; k < 6; ++k) {
      const float d1 = f1[k] - f0[k], d2 = f2[k] - f0[k];
      dx[k] = (d1 * (p2.y - p0.y) - d2 * (p1.y - p0.y)) * inv;
      dy[k] = (d2 * (p1.x - p0.x) - d1 * (p2.x - p0.x)) * inv;
    }
  }

  const Edge long_edge(p0, p2), upper(p0, p1), lower(p1, p2);
  for (int y = ys; y < ye; ++y) {
    const float yc = static_cast<float>(y) + 0.5f;
    const float xa = long_edge.x_at(yc);
    const float xb = yc < p1.y ? upper.x_at(yc) : lower.x_at(yc);
    const int xs = std::max(clip.x0, first_pixel(std::min(xa, xb)));
    const int xe = std::min(clip.x1, first_pixel(std::max(xa, xb)));
    if (xs >= xe) continue;
    std::uint32_t* row = t.pixels + static_cast<std::ptrdiff_t>(y) * t.pitch;
    if (flat_col && flat_uv) {
      span(row, xs, xe, flat_rgb, flat_alpha);
      continue;
    }
    const float sx = static_cast<float>(xs) + 0.5f - p0.x, sy = yc - p0.y;
    if (alpha_only) {
      // Anti-aliased fringes: one colour, only its alpha fades to 0 across the fringe.
      float al = f0[3] + dx[3] * sx + dy[3] * sy;
      for (int x = xs; x < xe; ++x, al += dx[3]) {
        const unsigned at = mul255(static_cast<unsigned>(clamp_byte(al)), flat_texel);
        if (at >= 255) row[x] = flat_rgb;
        else if (at > 0) row[x] = blend(row[x], flat_rgb, at);
      }
      continue;
    }
    float f[6];
    for (int k = 0; k < 6; ++k) f[k] = f0[k] + dx[k] * sx + dy[k] * sy;
    for (int x = xs; x < xe; ++x) {
      std::uint32_t rgb = flat_rgb;
      unsigned al = alpha_of(a.col);
      if (!flat_col) {
        rgb = (static_cast<std::uint32_t>(clamp_byte(f[0])) << 16) | (static_cast<std::uint32_t>(clamp_byte(f[1])) << 8) |
              static_cast<std::uint32_t>(clamp_byte(f[2]));
        al = static_cast<unsigned>(clamp_byte(f[3]));
      }
      const unsigned al_t = flat_uv ? mul255(al, flat_texel) : mul255(al, texel(f[4], f[5]));
      if (al_t >= 255) row[x] = rgb;
      else if (al_t > 0) row[x] = blend(row[x], rgb, al_t);
      for (int k = 0; k < 6; ++k) f[k] += dx[k];
    }
  }
}

}  // namespace osb::kiosk
