// Open Space Board — the kiosk's font atlas: built with FreeType, or read back from a cache file.
// Building the atlas (every glyph range at seven sizes) is the largest part of the kiosk's start;
// its result depends only on the font files, the sizes, the glyph ranges, the scale and the
// library versions, so the kiosk keeps it in a file next to its replica and reads it back on the
// next start. The cache is checked before it is used: a missing, stale, truncated or garbled file
// is rebuilt and replaced, never drawn from.
//
// [SECTION] Loading the kiosk's fonts
// [SECTION] The cache file (also used by tests and the fuzz target)
#pragma once
#include <imgui.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ui/ui.hpp"

namespace osb::ui {

// [SECTION] Loading the kiosk's fonts

// How the atlas was had, for the kiosk's start-up log.
struct FontLoad {
  bool fonts_found = false;  // false: no Noto Sans or DejaVu Sans, ImGui's built-in font is used
  bool from_cache = false;   // read from the cache file: no font file was opened
  std::string not_cached;    // why the cache was not read: "there is none yet", "it is damaged ..."
  std::string write_error;   // why the built atlas could not be stored ("" when it was, or no cache)
};

// Fills `atlas` (cleared first) with the kiosk's fonts at `scale` and builds it, so that its
// 8-bit pixels (TexPixelsAlpha8) are ready; sets the table fonts() returns. With a `cache_path`
// the atlas is read from that file when it was written for the same font files (path, size,
// modification time), sizes, glyph ranges, scale and library versions; otherwise it is built and
// the file written (a temporary file renamed over it). Needs no ImGui context, so it may run on
// another thread while the window opens, as long as no ImGui context exists or is used until it
// returns (ImGui counts allocations in the current context).
FontLoad load_fonts(ImFontAtlas& atlas, float scale, const std::string& cache_path = "");

// The kiosk's ImGui style at `config.scale`, in the current context.
void setup_style(const UiConfig& config);

// [SECTION] The cache file

namespace font_cache {

enum class Read { Loaded, Missing, Stale, Corrupt };

// What `key` says the atlas was built from is stored in the file; read() accepts only a file with
// the same key. The pixels and tables are covered by a checksum.
std::vector<std::uint8_t> serialize(const ImFontAtlas& atlas, const std::string& key);
// Restores a built atlas from `data`; on anything but Loaded the atlas is left cleared and
// `why` says what was wrong with the file ("it is damaged (its checksum does not match)").
Read deserialize(const std::uint8_t* data, std::size_t size, const std::string& key, ImFontAtlas& atlas,
                 std::string& why);

// Sets the last 8 bytes to the checksum of the bytes before them: for tests and fuzzing, to reach
// the checks behind the checksum.
void repair_checksum(std::vector<std::uint8_t>& bytes);

// The file: read whole, or written as PATH.tmp-PID, flushed to disk and renamed over PATH.
Read read(const std::string& path, const std::string& key, ImFontAtlas& atlas, std::string& why);
bool write(const std::string& path, const std::vector<std::uint8_t>& bytes, std::string& error);

}  // namespace font_cache

}  // namespace osb::ui
