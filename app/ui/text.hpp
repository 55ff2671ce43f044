// Open Space Board — the kiosk's words, from a catalogue (assets/text/<language>.toml).
// Every string a screen shows goes through tr() / trn() by key ("board.tap_to_claim"); names,
// titles and times are placed into it by name ("{room}"). English is built into the binary, so a
// kiosk whose assets are missing still speaks; other languages are loaded from assets/ at start.
//
// Catalogue format (TOML): [meta] language, name, plural ("one": 1 is singular, as in English,
// German and Spanish; "zero_one": 0 and 1 are, as in French); [date] weekdays / weekdays_short /
// months / months_short (arrays) and day_short / day_long formats; then one table per screen of
// plain strings or plural tables { one = "...", other = "..." } (keys "x.one", "x.other").
#pragma once
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace osb::ui {

struct Catalogue {
  std::string language;  // "en"
  std::string name;      // "English"
  std::string plural = "one";
  std::map<std::string, std::string, std::less<>> strings;  // flat: "board.tap_to_claim", "date.weekdays.0"
};

// Parses a catalogue; nullopt with one sentence in *error (the key or line that is wrong).
std::optional<Catalogue> parse_catalogue(std::string_view toml_text, std::string* error);
const Catalogue& english_catalogue();  // built in (assets/text/en.toml at build time)

// Keys English has that `c` lacks, and keys `c` has that English does not (both sorted).
std::vector<std::string> missing_keys(const Catalogue& c);
std::vector<std::string> extra_keys(const Catalogue& c);
// "{name}" placeholders of a string, sorted and unique.
std::vector<std::string> placeholders(std::string_view text);

// The catalogue tr() reads; English until use_catalogue() is called. Not thread-safe: set it once
// before the first frame (the UI draws on one thread).
void use_catalogue(Catalogue c);
const Catalogue& current_catalogue();

struct TextArg {
  std::string_view name;
  std::string value;
};
// The text of `key` in the current language, English when the language lacks it, the key itself
// when English lacks it too (a test keeps that from happening).
std::string tr(std::string_view key);
std::string tr(std::string_view key, std::initializer_list<TextArg> args);
bool has_text(std::string_view key);  // in the current language or English
// Plural: key.one or key.other by the language's rule; "{n}" is n.
std::string trn(std::string_view key, long n, std::initializer_list<TextArg> args = {});

// Dates in the current language: "Mon 11" / "Mo 11." / "lun. 11"; "Monday"; "Monday 11 May".
std::string day_short(std::string_view day);  // day as "YYYY-MM-DD"
std::string weekday_long(std::string_view day);
std::string day_long(std::string_view day);

}  // namespace osb::ui
