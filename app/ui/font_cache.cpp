// Open Space Board — the font atlas cache file (see fonts.hpp).
// One file: a header naming what the atlas was built from (the key), the atlas's own tables
// (size, UVs of the white pixel and the baked lines, custom rectangles), each font's metrics and
// glyphs, the 8-bit pixels, and a checksum over all of it. Numbers are stored in this machine's
// byte order; a byte-order mark and the format version make any other file "stale", never parsed.
// Every count, size and number is checked before it is used, so a file that passes the checksum
// by chance (or by hand) still cannot make the kiosk read outside the atlas or draw garbage.
//
// [SECTION] Checksum and byte buffers
// [SECTION] serialize
// [SECTION] deserialize
// [SECTION] Files
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>

#include "ui/fonts.hpp"

namespace osb::ui::font_cache {

namespace {

constexpr char kMagic[8] = {'O', 'S', 'B', 'F', 'O', 'N', 'T', 'S'};
constexpr std::uint32_t kVersion = 1;
constexpr std::uint32_t kByteOrder = 0x01020304;
constexpr int kLines = IM_DRAWLIST_TEX_LINES_WIDTH_MAX + 1;
// Limits far above what the kiosk builds (2048x1629, 7 fonts, ~1000 glyphs each).
constexpr int kMaxSide = 16384;
constexpr std::uint32_t kMaxFonts = 256, kMaxCustomRects = 4096, kMaxKey = 1 << 20;
constexpr std::size_t kMaxFile = 512u << 20;
constexpr std::uint64_t kGlyphBytes = 4 + 1 + 9 * 4;  // code point, flags, advance, corners, UVs

// [SECTION] Checksum and byte buffers

// 64-bit multiply-xorshift over 8-byte words: not cryptographic, it finds torn writes and
// flipped bits, and runs through the 3 MB atlas in well under a millisecond.
std::uint64_t checksum(const std::uint8_t* p, std::size_t n) {
  constexpr std::uint64_t k = 0x9E3779B97F4A7C15ull;
  std::uint64_t h = 0x243F6A8885A308D3ull ^ (n * k);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (h ^ w) * k;
    h ^= h >> 29;
  }
  for (; i < n; ++i) h = ((h ^ p[i]) * k) ^ (h >> 31);
  h ^= h >> 32;
  return h * k;
}

struct Writer {
  std::vector<std::uint8_t> out;
  void bytes(const void* p, std::size_t n) {
    const auto* b = static_cast<const std::uint8_t*>(p);
    out.insert(out.end(), b, b + n);
  }
  void u8(std::uint8_t v) { out.push_back(v); }
  void u16(std::uint16_t v) { bytes(&v, 2); }
  void u32(std::uint32_t v) { bytes(&v, 4); }
  void i32(std::int32_t v) { bytes(&v, 4); }
  void f32(float v) { bytes(&v, 4); }
};

// Reads forward; any read past the end sets `bad` and yields zeros, checked once per section.
struct Reader {
  const std::uint8_t* p;
  std::size_t n, at = 0;
  bool bad = false;
  bool take(void* dst, std::size_t k) {
    if (bad || n - at < k) {
      bad = true;
      std::memset(dst, 0, k);
      return false;
    }
    std::memcpy(dst, p + at, k);
    at += k;
    return true;
  }
  std::uint8_t u8() {
    std::uint8_t v;
    take(&v, 1);
    return v;
  }
  std::uint16_t u16() {
    std::uint16_t v;
    take(&v, 2);
    return v;
  }
  std::uint32_t u32() {
    std::uint32_t v;
    take(&v, 4);
    return v;
  }
  std::int32_t i32() {
    std::int32_t v;
    take(&v, 4);
    return v;
  }
  float f32() {
    float v;
    take(&v, 4);
    return v;
  }
  std::size_t left() const { return n - at; }
};

bool finite_in(float v, float lo, float hi) { return std::isfinite(v) && v >= lo && v <= hi; }
bool uv(float v) { return finite_in(v, 0.f, 1.f); }
bool coord(float v) { return finite_in(v, -float(kMaxSide), float(kMaxSide)); }

}  // namespace

// [SECTION] serialize

std::vector<std::uint8_t> serialize(const ImFontAtlas& atlas, const std::string& key) {
  if (!atlas.TexPixelsAlpha8 || atlas.TexWidth <= 0 || atlas.TexHeight <= 0 || atlas.Fonts.Size == 0) return {};
  Writer w;
  w.bytes(kMagic, sizeof kMagic);
  w.u32(kVersion);
  w.u32(kByteOrder);
  w.u32(sizeof(ImWchar));
  w.u32(static_cast<std::uint32_t>(key.size()));
  w.bytes(key.data(), key.size());

  w.i32(atlas.TexWidth);
  w.i32(atlas.TexHeight);
  w.i32(atlas.Flags);
  w.i32(atlas.TexDesiredWidth);
  w.i32(atlas.TexGlyphPadding);
  w.u8(atlas.TexPixelsUseColors ? 1 : 0);
  w.f32(atlas.TexUvScale.x);
  w.f32(atlas.TexUvScale.y);
  w.f32(atlas.TexUvWhitePixel.x);
  w.f32(atlas.TexUvWhitePixel.y);
  w.u32(kLines);
  for (const ImVec4& l : atlas.TexUvLines) {
    w.f32(l.x);
    w.f32(l.y);
    w.f32(l.z);
    w.f32(l.w);
  }
  w.i32(atlas.PackIdMouseCursors);
  w.i32(atlas.PackIdLines);
  w.u32(static_cast<std::uint32_t>(atlas.CustomRects.Size));
  for (const ImFontAtlasCustomRect& r : atlas.CustomRects) {
    if (r.Font) return {};  // custom glyphs point into a font: the kiosk makes none
    w.u16(r.Width);
    w.u16(r.Height);
    w.u16(r.X);
    w.u16(r.Y);
    w.u32(r.GlyphID);
    w.f32(r.GlyphAdvanceX);
    w.f32(r.GlyphOffset.x);
    w.f32(r.GlyphOffset.y);
  }

  w.u32(static_cast<std::uint32_t>(atlas.Fonts.Size));
  for (const ImFont* f : atlas.Fonts) {
    w.f32(f->FontSize);
    w.f32(f->Scale);
    w.f32(f->Ascent);
    w.f32(f->Descent);
    w.i32(f->MetricsTotalSurface);
    w.u32(f->FallbackChar);
    w.u32(f->EllipsisChar);
    w.u32(f->DotChar);
    w.u32(static_cast<std::uint32_t>(f->Glyphs.Size));
    for (const ImFontGlyph& g : f->Glyphs) {
      w.u32(g.Codepoint);
      w.u8(static_cast<std::uint8_t>(g.Colored | (g.Visible << 1)));
      for (float v : {g.AdvanceX, g.X0, g.Y0, g.X1, g.Y1, g.U0, g.V0, g.U1, g.V1}) w.f32(v);
    }
  }
  w.bytes(atlas.TexPixelsAlpha8, static_cast<std::size_t>(atlas.TexWidth) * atlas.TexHeight);
  const std::uint64_t sum = checksum(w.out.data(), w.out.size());
  w.bytes(&sum, sizeof sum);
  return std::move(w.out);
}

void repair_checksum(std::vector<std::uint8_t>& bytes) {
  if (bytes.size() < 8) return;
  const std::uint64_t sum = checksum(bytes.data(), bytes.size() - 8);
  std::memcpy(bytes.data() + bytes.size() - 8, &sum, 8);
}

// [SECTION] deserialize

namespace {

Read fail(Read r, std::string& why, const char* sentence, ImFontAtlas& atlas) {
  why = sentence;
  atlas.Clear();
  return r;
}

}  // namespace

Read deserialize(const std::uint8_t* data, std::size_t size, const std::string& key, ImFontAtlas& atlas,
                 std::string& why) {
  atlas.Clear();
  why.clear();
  constexpr std::size_t kHead = sizeof kMagic + 4 * 4;
  if (size < kHead + 8 || std::memcmp(data, kMagic, sizeof kMagic) != 0)
    return fail(Read::Corrupt, why, "the file is not a font cache", atlas);
  Reader r{data, size - 8};
  char magic[sizeof kMagic];
  r.take(magic, sizeof magic);
  if (r.u32() != kVersion || r.u32() != kByteOrder || r.u32() != sizeof(ImWchar))
    return fail(Read::Stale, why, "it was written by another version of the kiosk", atlas);
  std::uint64_t stored = 0;
  std::memcpy(&stored, data + size - 8, 8);
  if (checksum(data, size - 8) != stored)
    return fail(Read::Corrupt, why, "it is damaged (its checksum does not match)", atlas);
  const std::uint32_t key_size = r.u32();
  if (key_size > kMaxKey || key_size > r.left() || key_size != key.size() ||
      std::memcmp(data + r.at, key.data(), key_size) != 0)
    return fail(Read::Stale, why, "it was built from other fonts, sizes or library versions", atlas);
  r.at += key_size;

  // The atlas's own tables.
  const int tw = r.i32(), th = r.i32();
  atlas.Flags = r.i32();
  atlas.TexDesiredWidth = r.i32();
  atlas.TexGlyphPadding = r.i32();
  atlas.TexPixelsUseColors = r.u8() != 0;
  atlas.TexUvScale.x = r.f32();
  atlas.TexUvScale.y = r.f32();
  atlas.TexUvWhitePixel.x = r.f32();
  atlas.TexUvWhitePixel.y = r.f32();
  const std::uint32_t lines = r.u32();
  bool ok = tw > 0 && th > 0 && tw <= kMaxSide && th <= kMaxSide && uv(atlas.TexUvScale.x) && uv(atlas.TexUvScale.y) &&
            uv(atlas.TexUvWhitePixel.x) && uv(atlas.TexUvWhitePixel.y) && lines == kLines;
  for (ImVec4& l : atlas.TexUvLines) {
    l.x = r.f32();
    l.y = r.f32();
    l.z = r.f32();
    l.w = r.f32();
    ok = ok && uv(l.x) && uv(l.y) && uv(l.z) && uv(l.w);
  }
  atlas.PackIdMouseCursors = r.i32();
  atlas.PackIdLines = r.i32();
  const std::uint32_t rects = r.u32();
  ok = ok && !r.bad && rects <= kMaxCustomRects && atlas.PackIdMouseCursors >= -1 && atlas.PackIdLines >= -1 &&
       atlas.PackIdMouseCursors < static_cast<int>(rects) && atlas.PackIdLines < static_cast<int>(rects);
  if (!ok) return fail(Read::Corrupt, why, "its atlas description is out of range", atlas);
  atlas.CustomRects.resize(static_cast<int>(rects));
  for (ImFontAtlasCustomRect& c : atlas.CustomRects) {
    c.Width = r.u16();
    c.Height = r.u16();
    c.X = r.u16();
    c.Y = r.u16();
    c.GlyphID = r.u32();
    c.GlyphAdvanceX = r.f32();
    c.GlyphOffset.x = r.f32();
    c.GlyphOffset.y = r.f32();
    c.Font = nullptr;
    ok = ok && coord(c.GlyphAdvanceX) && coord(c.GlyphOffset.x) && coord(c.GlyphOffset.y) &&
         (!c.IsPacked() || (c.X + c.Width <= tw && c.Y + c.Height <= th));
  }
  if (!ok || r.bad) return fail(Read::Corrupt, why, "its custom rectangles are out of range", atlas);

  // Fonts and their glyphs.
  const std::uint32_t fonts = r.u32();
  if (fonts == 0 || fonts > kMaxFonts) return fail(Read::Corrupt, why, "it names no usable fonts", atlas);
  for (std::uint32_t i = 0; i < fonts; ++i) {
    ImFont* f = IM_NEW(ImFont);
    atlas.Fonts.push_back(f);
    f->ContainerAtlas = &atlas;
    f->FontSize = r.f32();
    f->Scale = r.f32();
    f->Ascent = r.f32();
    f->Descent = r.f32();
    f->MetricsTotalSurface = r.i32();
    const std::uint32_t fallback = r.u32(), ellipsis = r.u32(), dot = r.u32(), glyphs = r.u32();
    // ImGui indexes glyphs with an ImWchar and keeps 0xFFFF for "none"; its tab glyph is one more.
    ok = !r.bad && finite_in(f->FontSize, 1.f, 4096.f) && finite_in(f->Scale, 1e-3f, 1e3f) && coord(f->Ascent) &&
         coord(f->Descent) && fallback <= 0xFFFF && ellipsis <= 0xFFFF && dot <= 0xFFFF && glyphs >= 1 &&
         glyphs < 0xFFFE && glyphs * kGlyphBytes <= r.left();
    if (!ok) return fail(Read::Corrupt, why, "its font metrics are out of range", atlas);
    f->FallbackChar = static_cast<ImWchar>(fallback);
    f->EllipsisChar = static_cast<ImWchar>(ellipsis);
    f->DotChar = static_cast<ImWchar>(dot);
    f->Glyphs.resize(static_cast<int>(glyphs));
    for (ImFontGlyph& g : f->Glyphs) {
      const std::uint32_t cp = r.u32();
      const std::uint8_t bits = r.u8();
      g.Codepoint = cp & 0x3FFFFFFFu;
      g.Colored = bits & 1u;
      g.Visible = (bits >> 1) & 1u;
      g.AdvanceX = r.f32();
      g.X0 = r.f32();
      g.Y0 = r.f32();
      g.X1 = r.f32();
      g.Y1 = r.f32();
      g.U0 = r.f32();
      g.V0 = r.f32();
      g.U1 = r.f32();
      g.V1 = r.f32();
      ok = ok && cp <= IM_UNICODE_CODEPOINT_MAX && bits <= 3 && coord(g.AdvanceX) && coord(g.X0) && coord(g.Y0) &&
           coord(g.X1) && coord(g.Y1) && uv(g.U0) && uv(g.V0) && uv(g.U1) && uv(g.V1);
    }
    if (!ok || r.bad) return fail(Read::Corrupt, why, "its glyphs are out of range", atlas);
  }

  const std::size_t pixels = static_cast<std::size_t>(tw) * static_cast<std::size_t>(th);
  if (r.left() != pixels) return fail(Read::Corrupt, why, "its pixels do not fill its atlas", atlas);
  atlas.TexWidth = tw;
  atlas.TexHeight = th;
  atlas.TexPixelsAlpha8 = static_cast<unsigned char*>(IM_ALLOC(pixels));
  std::memcpy(atlas.TexPixelsAlpha8, data + r.at, pixels);
  // The lookup tables ImGui derives from the glyphs (index, advances, fallback glyph, tab).
  for (ImFont* f : atlas.Fonts) f->BuildLookupTable();
  atlas.TexReady = true;
  return Read::Loaded;
}

// [SECTION] Files

Read read(const std::string& path, const std::string& key, ImFontAtlas& atlas, std::string& why) {
  atlas.Clear();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    why = errno == ENOENT ? "there is none yet" : "it cannot be opened (" + std::string(std::strerror(errno)) + ")";
    return Read::Missing;
  }
  struct stat st{};
  std::vector<std::uint8_t> bytes;
  bool ok = ::fstat(fd, &st) == 0 && st.st_size > 0 && static_cast<std::size_t>(st.st_size) <= kMaxFile;
  if (ok) {
    bytes.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < bytes.size()) {
      const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    ok = got == bytes.size();
  }
  ::close(fd);
  if (!ok) {
    why = "it could not be read whole";
    return Read::Corrupt;
  }
  return deserialize(bytes.data(), bytes.size(), key, atlas, why);
}

bool write(const std::string& path, const std::vector<std::uint8_t>& bytes, std::string& error) {
  if (bytes.empty()) {
    error = "the font atlas was not built, so there is nothing to store";
    return false;
  }
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "the font cache " + tmp + " could not be created (" + std::strerror(errno) + ")";
    return false;
  }
  std::size_t put = 0;
  while (put < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + put, bytes.size() - put);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    put += static_cast<std::size_t>(n);
  }
  // Flushed before the rename, so a power cut leaves the old file or the whole new one.
  const bool ok = put == bytes.size() && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    error = "the font cache " + path + " could not be written (" + std::strerror(ok ? errno : saved) + ")";
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

}  // namespace osb::ui::font_cache
