// Open Space Board — the catalogue behind tr(): parsing, lookup with English as the fallback,
// plural rules, and dates in the catalogue's language.
//
// [SECTION] Parsing
// [SECTION] Comparing with English
// [SECTION] Lookup
// [SECTION] Dates
#include "ui/text.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <set>

#include "core/time.hpp"

namespace osb::ui {

extern const char* const kBuiltinEnglish;  // generated from assets/text/en.toml (builtin_assets.cpp)

namespace {

// [SECTION] Parsing

bool flatten(const toml::table& t, const std::string& prefix, Catalogue& c, std::string* error) {
  for (const auto& [k, node] : t) {
    const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* s = node.as_string()) {
      c.strings[key] = s->get();
    } else if (const auto* sub = node.as_table()) {
      if (!flatten(*sub, key, c, error)) return false;
    } else if (const auto* arr = node.as_array()) {
      for (std::size_t i = 0; i < arr->size(); ++i) {
        const auto* s = (*arr)[i].as_string();
        if (!s) {
          *error = key + "[" + std::to_string(i) + "] must be a string";
          return false;
        }
        c.strings[key + "." + std::to_string(i)] = s->get();
      }
    } else {
      *error = key + " must be a string, a table of strings or an array of strings";
      return false;
    }
  }
  return true;
}

Catalogue& current() {
  static Catalogue c = english_catalogue();
  return c;
}

}  // namespace

std::optional<Catalogue> parse_catalogue(std::string_view toml_text, std::string* error) {
  std::string ignored;
  if (!error) error = &ignored;
  toml::table root;
  try {
    root = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    *error = "line " + std::to_string(e.source().begin.line) + ": " + std::string(e.description());
    return std::nullopt;
  }
  Catalogue c;
  const toml::table* meta = root["meta"].as_table();
  if (!meta) {
    *error = "[meta] is missing (language, name, plural)";
    return std::nullopt;
  }
  c.language = (*meta)["language"].value_or(std::string());
  c.name = (*meta)["name"].value_or(std::string());
  c.plural = (*meta)["plural"].value_or(std::string("one"));
  if (c.language.empty() || c.name.empty()) {
    *error = "[meta] needs language and name";
    return std::nullopt;
  }
  if (c.plural != "one" && c.plural != "zero_one") {
    *error = "meta.plural \"" + c.plural + "\" must be \"one\" or \"zero_one\"";
    return std::nullopt;
  }
  root.erase("meta");
  if (!flatten(root, "", c, error)) return std::nullopt;
  return c;
}

const Catalogue& english_catalogue() {
  static const Catalogue en = [] {
    std::string error;
    auto c = parse_catalogue(kBuiltinEnglish, &error);
    return c ? *c : Catalogue{"en", "English", "one", {}};
  }();
  return en;
}

// [SECTION] Comparing with English

std::vector<std::string> missing_keys(const Catalogue& c) {
  std::vector<std::string> out;
  for (const auto& [k, v] : english_catalogue().strings)
    if (!c.strings.count(k)) out.push_back(k);
  return out;
}

std::vector<std::string> extra_keys(const Catalogue& c) {
  std::vector<std::string> out;
  for (const auto& [k, v] : c.strings)
    if (!english_catalogue().strings.count(k)) out.push_back(k);
  return out;
}

std::vector<std::string> placeholders(std::string_view text) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') continue;
    const std::size_t end = text.find('}', i);
    if (end == std::string_view::npos) break;
    names.insert(std::string(text.substr(i + 1, end - i - 1)));
    i = end;
  }
  return {names.begin(), names.end()};
}

// [SECTION] Lookup

void use_catalogue(Catalogue c) { current() = std::move(c); }
const Catalogue& current_catalogue() { return current(); }

std::string tr(std::string_view key) {
  const Catalogue& c = current();
  if (auto it = c.strings.find(key); it != c.strings.end()) return it->second;
  const Catalogue& en = english_catalogue();
  if (auto it = en.strings.find(key); it != en.strings.end()) return it->second;
  return std::string(key);
}

bool has_text(std::string_view key) {
  return current().strings.count(key) || english_catalogue().strings.count(key);
}

std::string tr(std::string_view key, std::initializer_list<TextArg> args) {
  const std::string text = tr(key);
  std::string out;
  out.reserve(text.size() + 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{') {
      const std::size_t end = text.find('}', i);
      if (end != std::string::npos) {
        const std::string_view name(text.data() + i + 1, end - i - 1);
        const TextArg* a = std::find_if(args.begin(), args.end(), [&](const TextArg& x) { return x.name == name; });
        if (a != args.end()) {
          out += a->value;
          i = end;
          continue;
        }
      }
    }
    out += text[i];
  }
  return out;
}

std::string trn(std::string_view key, long n, std::initializer_list<TextArg> args) {
  const bool one = current().plural == "zero_one" ? (n == 0 || n == 1) : n == 1;
  const std::string full = std::string(key) + (one ? ".one" : ".other");
  // "{n}" after the named arguments (an initializer_list cannot be extended).
  std::string text = tr(full, args);
  const std::string n_text = std::to_string(n);
  for (std::size_t p; (p = text.find("{n}")) != std::string::npos;) text.replace(p, 3, n_text);
  return text;
}

// [SECTION] Dates

namespace {
std::string nth(std::string_view list, int i) { return tr(std::string(list) + "." + std::to_string(i)); }
}  // namespace

std::string day_short(std::string_view day) {
  const auto d = parse_day(day);
  if (!d) return std::string(day);
  const int wd = weekday(day);
  return tr("date.day_short", {{"weekday_short", nth("date.weekdays_short", wd)},
                               {"weekday", nth("date.weekdays", wd)},
                               {"day", std::to_string(d->day)},
                               {"month_short", nth("date.months_short", d->month - 1)},
                               {"month", nth("date.months", d->month - 1)}});
}

std::string weekday_long(std::string_view day) {
  if (!parse_day(day)) return std::string(day);
  return nth("date.weekdays", weekday(day));
}

std::string day_long(std::string_view day) {
  const auto d = parse_day(day);
  if (!d) return std::string(day);
  const int wd = weekday(day);
  return tr("date.day_long", {{"weekday_short", nth("date.weekdays_short", wd)},
                              {"weekday", nth("date.weekdays", wd)},
                              {"day", std::to_string(d->day)},
                              {"month_short", nth("date.months_short", d->month - 1)},
                              {"month", nth("date.months", d->month - 1)}});
}

}  // namespace osb::ui
