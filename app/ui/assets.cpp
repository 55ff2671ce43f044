// Open Space Board — finding and loading assets/: the catalogue, the theme's colours, the icons.
//
// [SECTION] Finding the folder
// [SECTION] Theme colours
// [SECTION] Icons
// [SECTION] load_assets
#include "ui/assets.hpp"

#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "ui/text.hpp"
#include "ui/ui_internal.hpp"

namespace osb::ui {

extern const char* const kBuiltinIcons;      // generated from assets/icons.toml
extern const char* const kBuiltinDarkTheme;  // generated from assets/theme/dark.toml
extern const char* const kInstallAssetsDir;  // <install prefix>/share/openspace-board/assets
extern const char* const kSourceAssetsDir;   // <source dir>/assets

namespace fs = std::filesystem;

namespace {

// [SECTION] Finding the folder

bool is_assets_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p / "text" / "en.toml", ec);
}

std::optional<std::string> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string find_assets_dir(std::string_view configured) {
  if (!configured.empty()) return std::string(configured);
  if (const char* env = std::getenv("OPENSPACE_ASSETS"); env && *env) return env;
  std::vector<fs::path> candidates;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path dir = exe.parent_path();
    candidates.push_back(dir / "assets");
    candidates.push_back(dir.parent_path() / "share" / "openspace-board" / "assets");
  }
  candidates.emplace_back(kInstallAssetsDir);
  candidates.emplace_back(kSourceAssetsDir);
  for (const auto& c : candidates)
    if (is_assets_dir(c)) return c.lexically_normal().string();
  return {};
}

std::vector<std::string> available_languages(const std::string& dir) {
  std::vector<std::string> out{"en"};
  std::error_code ec;
  if (!dir.empty())
    for (const auto& e : fs::directory_iterator(fs::path(dir) / "text", ec))
      if (e.path().extension() == ".toml" && e.path().stem() != "en") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

// [SECTION] Theme colours

namespace {
struct NamedColour {
  const char* name;
  ImU32* colour;
};
const NamedColour kColours[] = {
    {"page", &theme::page}, {"text", &theme::text}, {"open_fill", &theme::open_fill},
    {"claimed_fill", &theme::claimed_fill}, {"claimed_text", &theme::claimed_text},
    {"blocked_fill", &theme::blocked_fill}, {"blocked_text", &theme::blocked_text}, {"hatch", &theme::hatch},
    {"past_text", &theme::past_text}, {"past_fill", &theme::past_fill}, {"amber", &theme::amber},
    {"primary", &theme::primary}, {"primary_pressed", &theme::primary_pressed}, {"danger", &theme::danger},
    {"danger_pressed", &theme::danger_pressed}, {"white", &theme::white}, {"dialog", &theme::dialog},
    {"dim", &theme::dim}, {"line", &theme::line}, {"field_fill", &theme::field_fill},
    {"key_fill", &theme::key_fill}, {"key_pressed", &theme::key_pressed}, {"disabled_fill", &theme::disabled_fill},
    {"disabled_text", &theme::disabled_text}, {"error_text", &theme::error_text}, {"online", &theme::online},
    {"talk_text", &theme::talk_text}, {"qr_light", &theme::qr_light}, {"qr_dark", &theme::qr_dark},
};

std::optional<ImU32> parse_colour(std::string_view s) {
  if ((s.size() != 7 && s.size() != 9) || s[0] != '#') return std::nullopt;
  unsigned v = 0;
  for (char ch : s.substr(1)) {
    const int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
    if (d < 0) return std::nullopt;
    v = v * 16 + static_cast<unsigned>(d);
  }
  return s.size() == 7 ? theme::rgb(v) : theme::rgb(v >> 8, v & 0xFF);
}
}  // namespace

bool apply_theme(std::string_view toml_text, std::string* error) {
  toml::table root;
  try {
    root = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    *error = "line " + std::to_string(e.source().begin.line) + ": " + std::string(e.description());
    return false;
  }
  const toml::table* colours = root["colours"].as_table();
  if (!colours) {
    *error = "[colours] is missing";
    return false;
  }
  std::vector<std::pair<ImU32*, ImU32>> set;
  for (const auto& [k, node] : *colours) {
    const NamedColour* nc = nullptr;
    for (const auto& c : kColours)
      if (k.str() == c.name) nc = &c;
    if (!nc) {
      *error = "colours." + std::string(k.str()) + " is not a colour of the theme";
      return false;
    }
    const auto* s = node.as_string();
    const auto col = s ? parse_colour(s->get()) : std::nullopt;
    if (!col) {
      *error = "colours." + std::string(k.str()) + " must be \"#RRGGBB\" or \"#RRGGBBAA\"";
      return false;
    }
    set.emplace_back(nc->colour, *col);
  }
  for (const auto& [p, v] : set) *p = v;  // all or nothing
  return true;
}

// [SECTION] Icons

namespace {
std::vector<std::pair<std::string, Icon>>& icons() {
  static std::vector<std::pair<std::string, Icon>> all = [] {
    std::string error;
    auto parsed = parse_icons(kBuiltinIcons, &error);
    return parsed ? *parsed : std::vector<std::pair<std::string, Icon>>{};
  }();
  return all;
}
}  // namespace

std::optional<std::vector<std::pair<std::string, Icon>>> parse_icons(std::string_view toml_text, std::string* error) {
  toml::table root;
  try {
    root = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    *error = "line " + std::to_string(e.source().begin.line) + ": " + std::string(e.description());
    return std::nullopt;
  }
  std::vector<std::pair<std::string, Icon>> out;
  for (const auto& [name, node] : root) {
    const std::string where = std::string(name.str());
    const toml::table* t = node.as_table();
    const toml::array* shapes = t ? (*t)["shapes"].as_array() : nullptr;
    if (!shapes) {
      *error = where + " needs shapes = [ ... ]";
      return std::nullopt;
    }
    Icon icon;
    icon.aspect = static_cast<float>((*t)["aspect"].value_or(1.0));
    if (!(icon.aspect > 0.1f && icon.aspect < 10.f)) {
      *error = where + ".aspect must be between 0.1 and 10";
      return std::nullopt;
    }
    for (std::size_t i = 0; i < shapes->size(); ++i) {
      const std::string at = where + ".shapes[" + std::to_string(i) + "]";
      const toml::table* s = (*shapes)[i].as_table();
      if (!s) {
        *error = at + " must be a table";
        return std::nullopt;
      }
      IconShape shape;
      static const std::pair<const char*, IconShape::Kind> kinds[] = {
          {"circle", IconShape::Circle}, {"line", IconShape::Line}, {"rect", IconShape::Rect}, {"poly", IconShape::Poly}};
      const toml::array* coords = nullptr;
      for (const auto& [kname, kind] : kinds)
        if (const auto* a = (*s)[kname].as_array()) {
          coords = a;
          shape.kind = kind;
        }
      if (!coords) {
        *error = at + " needs one of circle, line, rect or poly";
        return std::nullopt;
      }
      for (const auto& c : *coords) {
        const auto v = c.value<double>();
        if (!v || *v < -1 || *v > 10) {
          *error = at + ": coordinates must be numbers between -1 and 10";
          return std::nullopt;
        }
        shape.v.push_back(static_cast<float>(*v));
      }
      const std::size_t want = shape.kind == IconShape::Circle ? 3 : shape.kind == IconShape::Poly ? 0 : 4;
      if ((want && shape.v.size() != want) || (!want && (shape.v.size() < 6 || shape.v.size() % 2))) {
        *error = at + " has the wrong number of coordinates";
        return std::nullopt;
      }
      shape.width = static_cast<float>((*s)["width"].value_or(0.0));
      icon.shapes.push_back(std::move(shape));
    }
    out.emplace_back(where, std::move(icon));
  }
  return out;
}

bool has_icon(std::string_view name) {
  for (const auto& [n, i] : icons())
    if (n == name) return true;
  return false;
}

float draw_icon(ImDrawList* dl, std::string_view name, ImVec2 p, float h, ImU32 col) {
  for (const auto& [n, icon] : icons()) {
    if (n != name) continue;
    auto at = [&](float x, float y) { return ImVec2(p.x + x * h, p.y + y * h); };
    for (const auto& s : icon.shapes) {
      const auto& v = s.v;
      switch (s.kind) {
        case IconShape::Circle:
          if (s.width > 0) dl->AddCircle(at(v[0], v[1]), v[2] * h, col, 32, s.width * h);
          else dl->AddCircleFilled(at(v[0], v[1]), v[2] * h, col, 32);
          break;
        case IconShape::Line: dl->AddLine(at(v[0], v[1]), at(v[2], v[3]), col, std::max(1.0f, s.width * h)); break;
        case IconShape::Rect: dl->AddRectFilled(at(v[0], v[1]), at(v[2], v[3]), col); break;
        case IconShape::Poly: {
          std::vector<ImVec2> pts;
          for (std::size_t i = 0; i + 1 < v.size(); i += 2) pts.push_back(at(v[i], v[i + 1]));
          dl->AddConvexPolyFilled(pts.data(), static_cast<int>(pts.size()), col);
          break;
        }
      }
    }
    return icon.aspect * h;
  }
  return 0;
}

// [SECTION] load_assets

bool load_assets(const std::string& dir, const std::string& language, const std::string& theme_name, std::string* error) {
  const fs::path root(dir);
  // Language
  if (language != "en" || !dir.empty()) {
    const fs::path file = root / "text" / (language + ".toml");
    const auto text = dir.empty() ? std::nullopt : read_file(file);
    if (!text) {
      if (language != "en") {
        std::string list;
        for (const auto& l : available_languages(dir)) list += (list.empty() ? "" : ", ") + l;
        *error = "[ui] language \"" + language + "\": no catalogue " + (dir.empty() ? "(no assets folder found)" : file.string()) +
                 " (available: " + list + ")";
        return false;
      }
    } else {
      std::string why;
      auto c = parse_catalogue(*text, &why);
      if (!c) {
        *error = file.string() + ": " + why;
        return false;
      }
      use_catalogue(std::move(*c));
    }
  }
  // Theme
  if (!dir.empty()) {
    const fs::path file = root / "theme" / (theme_name + ".toml");
    if (const auto text = read_file(file)) {
      std::string why;
      if (!apply_theme(*text, &why)) {
        *error = file.string() + ": " + why;
        return false;
      }
    } else if (theme_name != "dark") {
      *error = "[ui] theme \"" + theme_name + "\": no file " + file.string();
      return false;
    }
    // Icons
    if (const auto text = read_file(root / "icons.toml")) {
      std::string why;
      auto parsed = parse_icons(*text, &why);
      if (!parsed) {
        *error = (root / "icons.toml").string() + ": " + why;
        return false;
      }
      icons() = std::move(*parsed);
    }
  } else if (theme_name == "dark") {
    std::string why;
    apply_theme(kBuiltinDarkTheme, &why);
  }
  return true;
}

}  // namespace osb::ui
