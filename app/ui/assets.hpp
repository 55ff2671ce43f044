// Open Space Board — what the kiosk loads that is not code: assets/text/<language>.toml (the words),
// assets/theme/<theme>.toml (the colours), assets/icons.toml (icons drawn as data).
// The folder is found next to the binary (assets/), under the install prefix
// (share/openspace-board/assets), or in the source tree the binary was built from; English, the
// dark theme and the icons are also built in, so a kiosk without the folder still draws.
#pragma once
#include <imgui.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace osb::ui {

// The assets folder: `configured` when not empty, else $OPENSPACE_ASSETS, else the first of
// <exe dir>/assets, <exe dir>/../share/openspace-board/assets, <install prefix>/share/openspace-board/assets,
// <source dir>/assets that has text/en.toml; "" when none.
std::string find_assets_dir(std::string_view configured = {});
// Languages with a catalogue in `dir` ("de", "en", "es", "fr"), sorted; "en" always.
std::vector<std::string> available_languages(const std::string& dir);

// Loads language, theme and icons from `dir` (built-in English, dark theme and icons when dir is
// "" or lacks a file that is not asked for by name). Returns false with one sentence in *error
// when the language or theme named has no valid file; what was loaded before stays in use.
bool load_assets(const std::string& dir, const std::string& language, const std::string& theme, std::string* error);

// [SECTION] Icons as data
// An icon is a list of shapes in a box whose height is 1 and width is the icon's aspect:
//   { circle = [cx, cy, r], width = w }         ring (filled when width is 0 or missing)
//   { line = [x1, y1, x2, y2], width = w }
//   { rect = [x0, y0, x1, y1] }                  filled
//   { poly = [x1, y1, x2, y2, ...] }             filled convex polygon
struct IconShape {
  enum Kind { Circle, Line, Rect, Poly } kind = Line;
  std::vector<float> v;
  float width = 0;
};
struct Icon {
  float aspect = 1;
  std::vector<IconShape> shapes;
};
std::optional<std::vector<std::pair<std::string, Icon>>> parse_icons(std::string_view toml_text, std::string* error);
// Draws icon `name` with its top-left at p, h pixels high; nothing when there is no such icon.
// Returns the width drawn.
float draw_icon(ImDrawList* dl, std::string_view name, ImVec2 p, float h, ImU32 col);
bool has_icon(std::string_view name);

// Theme colours: parse_theme() reads { key = "#RRGGBB" or "#RRGGBBAA" } and sets theme:: colours.
bool apply_theme(std::string_view toml_text, std::string* error);

}  // namespace osb::ui
