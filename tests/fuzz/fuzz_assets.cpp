// Fuzz target: the kiosk's assets (app/ui/text.cpp, app/ui/assets.cpp), read at every start: a
// text catalogue, a theme and an icon set from the same bytes. Invariant: each is refused with a
// sentence or parsed; a parsed catalogue answers tr() / trn() / dates for every English key; a
// parsed icon set draws; nothing crashes.
#include <imgui.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ui/assets.hpp"
#include "ui/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string why;
  if (auto c = osb::ui::parse_catalogue(text, &why)) {
    osb::ui::use_catalogue(*c);
    for (const auto& [key, value] : osb::ui::english_catalogue().strings) {
      (void)osb::ui::tr(key, {{"n", "3"}, {"room", "Room A"}});
      (void)osb::ui::trn(key, 1);
    }
    (void)osb::ui::day_short("2030-03-11");
    (void)osb::ui::day_long("2030-03-11");
    osb::ui::use_catalogue(osb::ui::english_catalogue());
  } else if (why.empty()) {
    std::abort();
  }
  why.clear();
  if (!osb::ui::apply_theme(text, &why) && why.empty()) std::abort();
  why.clear();
  if (auto icons = osb::ui::parse_icons(text, &why)) {
    // What draw_icon() relies on: the coordinates each shape needs.
    for (const auto& [name, icon] : *icons)
      for (const auto& shape : icon.shapes) {
        const std::size_t n = shape.v.size();
        const bool ok = shape.kind == osb::ui::IconShape::Circle ? n == 3
                        : shape.kind == osb::ui::IconShape::Poly ? n >= 6 && n % 2 == 0
                                                                 : n == 4;
        if (!ok) std::abort();
      }
  } else if (why.empty()) {
    std::abort();
  }
  return 0;
}
