// The kiosk's words: every catalogue in assets/text has every key English has (and no other), with
// the same placeholders; every key the code asks for exists; a German kiosk draws German words and
// dates; a language or theme without a file is refused with what is available.
#include <fstream>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "ui/assets.hpp"
#include "ui/text.hpp"
#include "ui_harness.hpp"

using namespace osb;
using namespace osb::test;
namespace fs = std::filesystem;

namespace {

const std::string kAssets = std::string(OPENSPACE_SOURCE_DIR) + "/assets";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

ui::Catalogue load(const std::string& language) {
  std::string error;
  auto c = ui::parse_catalogue(read(kAssets + "/text/" + language + ".toml"), &error);
  INFO(language << ": " << error);
  REQUIRE(c.has_value());
  return *c;
}

// Puts English back when a test that switched language ends (the catalogue is process-wide).
struct Speak {
  explicit Speak(const std::string& language) { ui::use_catalogue(language == "en" ? ui::english_catalogue() : load(language)); }
  ~Speak() { ui::use_catalogue(ui::english_catalogue()); }
};

}  // namespace

TEST_CASE("German, French and Spanish have every English string, no other, with the same placeholders") {
  const ui::Catalogue& en = ui::english_catalogue();
  REQUIRE(en.strings.size() > 150);
  // The built-in English is the file in assets/ (the kiosk without assets speaks the same).
  CHECK(load("en").strings == en.strings);
  for (const std::string lang : {"de", "fr", "es"}) {
    CAPTURE(lang);
    const ui::Catalogue c = load(lang);
    CHECK(c.language == lang);
    CHECK(ui::missing_keys(c) == std::vector<std::string>{});
    CHECK(ui::extra_keys(c) == std::vector<std::string>{});
    for (const auto& [key, text] : en.strings) {
      auto it = c.strings.find(key);
      if (it == c.strings.end()) continue;
      CAPTURE(key);
      CHECK(ui::placeholders(it->second) == ui::placeholders(text));
      CHECK_FALSE(it->second.empty());
    }
  }
}

TEST_CASE("a catalogue that misses a string is found out") {
  ui::Catalogue c = load("de");
  c.strings.erase("board.tap_to_claim");
  CHECK(ui::missing_keys(c) == std::vector<std::string>{"board.tap_to_claim"});
  // And a language that lacks a string still shows the English one, never a key.
  ui::use_catalogue(c);
  CHECK(ui::tr("board.tap_to_claim") == "Tap to claim");
  CHECK(ui::tr("board.claimed") == "Belegt");
  ui::use_catalogue(ui::english_catalogue());
}

TEST_CASE("every key the kiosk's code asks for is in the English catalogue") {
  const std::regex call(R"re(\btrn?\("([a-z_]+\.[a-z_0-9.]*[a-z_0-9])")re");
  std::set<std::string> asked;
  for (const char* dir : {"app/ui", "app/kiosk"})
    for (const auto& f : fs::directory_iterator(std::string(OPENSPACE_SOURCE_DIR) + "/" + dir)) {
      const std::string text = read(f.path());
      for (auto it = std::sregex_iterator(text.begin(), text.end(), call); it != std::sregex_iterator(); ++it)
        asked.insert((*it)[1]);
    }
  REQUIRE(asked.size() > 100);
  const auto& en = ui::english_catalogue().strings;
  for (const std::string& key : asked) {
    CAPTURE(key);
    // trn() keys are plural tables.
    CHECK((en.count(key) || (en.count(key + ".one") && en.count(key + ".other"))));
  }
  // Keys built at run time.
  for (const char* code : {"blocked", "past", "taken", "removed", "other"}) CHECK(en.count(std::string("lost.") + code));
  for (int i = 0; i < 7; ++i) CHECK(en.count("date.weekdays_short." + std::to_string(i)));
  for (int i = 0; i < 3; ++i) CHECK(en.count("keyboard.letters_shift." + std::to_string(i)));
}

TEST_CASE("dates and weekdays follow the language") {
  {
    Speak s("de");
    CHECK(ui::day_short("2030-03-11") == "Mo 11.");
    CHECK(ui::day_long("2030-03-11") == "Montag, 11. März");
    CHECK(ui::trn("board.sessions", 1) == "1 Session");
    CHECK(ui::trn("board.sessions", 0) == "0 Sessions");
  }
  {
    Speak s("fr");
    CHECK(ui::day_short("2030-03-12") == "mar. 12");
    CHECK(ui::day_long("2030-03-16") == "samedi 16 mars");
    CHECK(ui::trn("board.more_rooms", 0) == "0 autre salle");  // French: 0 and 1 are singular
    CHECK(ui::trn("board.more_rooms", 2) == "2 autres salles");
  }
  {
    Speak s("es");
    CHECK(ui::day_short("2030-03-13") == "mié 13");
    CHECK(ui::day_long("2030-03-13") == "miércoles 13 de marzo");
  }
  CHECK(ui::day_short("2030-03-11") == "Mon 11");
  CHECK(ui::day_long("2030-03-11") == "Monday 11 March");
}

TEST_CASE("a German kiosk draws German words: cells, tabs, status, claim dialog, keyboard") {
  Speak s("de");
  UiHarness h;
  h.frame();
  CHECK(dbg::cell_caption(h.state, {"2030-03-11", "B", "14:00"}) == "Tippen zum Belegen");
  CHECK(dbg::status_line(h.state) == "● Online");
  h.tap_cell({"2030-03-11", "B", "14:00"});
  h.frames(3);
  CHECK(dbg::screen(h.state) == dbg::Screen::ClaimDialog);
  CHECK(dbg::dialog_title(h.state).rfind("Room B belegen, Montag 14:00", 0) == 0);
  CHECK(dbg::keyboard_visible(h.state));
  CHECK(dbg::button_rect(h.state, "Ü").has_value());  // QWERTZ with umlauts (an empty field starts with a capital)
  CHECK(dbg::button_rect(h.state, "Z").has_value());
  CHECK(dbg::button_rect(h.state, "Leerzeichen").has_value());
  CHECK(dbg::claim_disabled_reason(h.state) == "Gib einen Titel ein, um zu belegen.");
  // No English word of the catalogue on any button (where German says it differently).
  const ui::Catalogue de = load("de");
  std::set<std::string> english_only;
  for (const auto& [k, v] : ui::english_catalogue().strings)
    if (de.strings.at(k) != v) english_only.insert(v);
  for (const std::string& l : dbg::button_labels(h.state)) {
    CAPTURE(l);
    CHECK_FALSE(english_only.count(l));
  }
}

TEST_CASE("assets: found in the source tree, languages listed, unknown language or theme refused with a sentence") {
  const std::string dir = ui::find_assets_dir();
  REQUIRE_FALSE(dir.empty());
  CHECK(fs::exists(fs::path(dir) / "text" / "en.toml"));
  CHECK(ui::available_languages(kAssets) == std::vector<std::string>{"de", "en", "es", "fr"});
  std::string error;
  CHECK_FALSE(ui::load_assets(kAssets, "pt", "dark", &error));
  CHECK(error.find("available: de, en, es, fr") != std::string::npos);
  CHECK_FALSE(ui::load_assets(kAssets, "en", "neon", &error));
  CHECK(error.find("neon") != std::string::npos);
  CHECK(ui::tr("board.claimed") == "Claimed");  // nothing changed by a refused load
  // A broken catalogue names its line.
  CHECK_FALSE(ui::parse_catalogue("[meta]\nlanguage = \"xx\"\nname = \"X\"\n[board]\nopen = \n", &error));
  CHECK(error.find("line 5") != std::string::npos);
  CHECK_FALSE(ui::parse_catalogue("[board]\nopen = \"Open\"\n", &error));
  CHECK(error.find("[meta]") != std::string::npos);
}

TEST_CASE("theme colours and icons are data: both themes and the icons parse; a bad colour changes nothing") {
  std::string error;
  for (const char* t : {"dark", "light"}) {
    CAPTURE(t);
    CHECK(ui::apply_theme(read(kAssets + "/theme/" + t + ".toml"), &error));
  }
  CHECK(ui::apply_theme(read(kAssets + "/theme/dark.toml"), &error));
  CHECK_FALSE(ui::apply_theme("[colours]\npage = \"#000000\"\ntext = \"white\"\n", &error));
  CHECK(error.find("colours.text") != std::string::npos);
  CHECK_FALSE(ui::apply_theme("[colours]\nsparkle = \"#FFFFFF\"\n", &error));
  CHECK(error.find("sparkle") != std::string::npos);
  const auto icons = ui::parse_icons(read(kAssets + "/icons.toml"), &error);
  REQUIRE(icons.has_value());
  std::set<std::string> names;
  for (const auto& [n, i] : *icons) names.insert(n);
  CHECK(names == std::set<std::string>{"clock", "megaphone", "plus_circle", "talk"});
  for (const char* n : {"clock", "megaphone", "plus_circle", "talk"}) CHECK(ui::has_icon(n));
  CHECK_FALSE(ui::parse_icons("[x]\nshapes = [{ line = [0, 0, 1] }]\n", &error));
  CHECK(error.find("x.shapes[0]") != std::string::npos);
}
