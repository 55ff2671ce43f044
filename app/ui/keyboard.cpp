// Open Space Board — the on-screen keyboard.
// Pages: letters (QWERTY), 123/symbols, Latin letters with diacritics, Greek, Cyrillic (ЙЦУКЕН).
// Keys are about 96x80 px with 8 px gaps at scale 1 and shrink only as far as the 64 px floor
// when the screen is narrow (portrait). Shift is one-shot; a second tap locks capitals.
//
// [SECTION] Layouts
// [SECTION] Drawing
// [SECTION] Editing
#include <algorithm>

#include "core/text.hpp"
#include "ui/text.hpp"
#include "ui/ui_internal.hpp"

namespace osb::ui {

namespace {

// [SECTION] Layouts: three rows of characters per page, lower and upper case, space separated.
struct PageLayout {
  const char* lower[3];
  const char* upper[3];
};

const PageLayout& layout(KeyPage page) {
  // The letters follow the language's keyboard (keyboard.letters / keyboard.letters_shift in the
  // catalogue: QWERTZ for German, AZERTY for French, ñ for Spanish); rebuilt when the language changes.
  static std::string language;
  static std::string rows[6];
  static PageLayout letters{};
  if (language != current_catalogue().language || !letters.lower[0]) {
    language = current_catalogue().language;
    for (int i = 0; i < 3; ++i) {
      rows[i] = tr("keyboard.letters." + std::to_string(i));
      rows[3 + i] = tr("keyboard.letters_shift." + std::to_string(i));
      letters.lower[i] = rows[i].c_str();
      letters.upper[i] = rows[3 + i].c_str();
    }
  }
  static const PageLayout symbols{{"1 2 3 4 5 6 7 8 9 0", "@ # & * ( ) / ? ! +", "= % $ € : ; , . -"},
                                  {"1 2 3 4 5 6 7 8 9 0", "[ ] { } < > \\ | ~ ^", "` ° § £ ¥ … – — ·"}};
  static const PageLayout accents{{"à á â ä ã å æ ç è é", "ê ë ì í î ï ñ ò ó ô", "ö õ ø ù ú û ü ý ß ł"},
                                  {"À Á Â Ä Ã Å Æ Ç È É", "Ê Ë Ì Í Î Ï Ñ Ò Ó Ô", "Ö Õ Ø Ù Ú Û Ü Ý ß Ł"}};
  static const PageLayout greek{{"ς ε ρ τ υ θ ι ο π ά", "α σ δ φ γ η ξ κ λ έ", "ζ χ ψ ω β ν μ ί ό ύ"},
                                {"Σ Ε Ρ Τ Υ Θ Ι Ο Π Ά", "Α Σ Δ Φ Γ Η Ξ Κ Λ Έ", "Ζ Χ Ψ Ω Β Ν Μ Ί Ό Ύ"}};
  static const PageLayout cyrillic{{"й ц у к е н г ш щ з х", "ф ы в а п р о л д ж э", "я ч с м и т ь б ю ё ъ"},
                                   {"Й Ц У К Е Н Г Ш Щ З Х", "Ф Ы В А П Р О Л Д Ж Э", "Я Ч С М И Т Ь Б Ю Ё Ъ"}};
  switch (page) {
    case KeyPage::Letters: return letters;
    case KeyPage::Symbols: return symbols;
    case KeyPage::Accents: return accents;
    case KeyPage::Greek: return greek;
    case KeyPage::Cyrillic: return cyrillic;
  }
  return letters;
}

std::vector<std::string> split_keys(const char* row) {
  std::vector<std::string> keys;
  std::string_view rest(row);
  while (!rest.empty()) {
    const std::size_t sp = rest.find(' ');
    keys.emplace_back(rest.substr(0, sp));
    if (sp == std::string_view::npos) break;
    rest.remove_prefix(sp + 1);
  }
  return keys;
}

// Widest row in key units: 11 characters + a wider key.
constexpr float kRowUnits = 13.0f;

struct KeyMetrics {
  float w, h, gap;
};

KeyMetrics metrics(const Frame& f, float width) {
  const float gap = f.px(theme::gap);
  float w = std::min(f.px(theme::key_w), (width - gap * (kRowUnits - 1)) / kRowUnits);
  w = std::max(w, f.px(theme::target));
  return {w, f.px(theme::key_h), gap};
}

}  // namespace

// [SECTION] Drawing

float keyboard_height(const Frame& f) {
  const float gap = f.px(theme::gap);
  return 4 * f.px(theme::key_h) + 3 * gap + 2 * f.px(16);
}

KeyboardEvents draw_keyboard(Frame& f, const ImRect& area, KeyboardState& kb, bool show_next) {
  KeyboardEvents ev;
  f.dl->AddRectFilled(area.Min, area.Max, theme::page);
  f.dl->AddLine(area.Min, ImVec2(area.Max.x, area.Min.y), theme::line, f.px(2));
  // The keyboard's band spans the screen; its keys keep off the bezel margin.
  const float side = f.px(theme::edge) + f.px(2);
  const KeyMetrics m = metrics(f, area.GetWidth() - 2 * side);
  const float row_w = kRowUnits * m.w + (kRowUnits - 1) * m.gap;
  const float x0 = area.Min.x + std::max(side, (area.GetWidth() - row_w) / 2);
  float y = area.Min.y + f.px(16);
  const bool upper = kb.shift || kb.caps_lock;
  const PageLayout& pl = layout(kb.page);
  const bool has_case = kb.page != KeyPage::Symbols;

  auto key = [&](float x, float w, std::string_view label, ButtonKind kind = ButtonKind::Key) {
    return button(f, ImRect(x, y, x + w, y + m.h), label, kind, true, fonts().key);
  };
  auto type_row = [&](int row, float x) {
    for (const std::string& k : split_keys(upper ? pl.upper[row] : pl.lower[row])) {
      if (key(x, m.w, k)) {
        ev.typed += k;
        if (kb.shift && !kb.caps_lock) kb.shift = false;
      }
      x += m.w + m.gap;
    }
    return x;
  };
  const float unit = m.w + m.gap;
  const float right = x0 + row_w;

  // Row 1: characters, then backspace filling the rest.
  float x = type_row(0, x0);
  if (key(x, right - x, "⌫")) ev.backspace = true;
  y += m.h + m.gap;
  // Row 2: characters (indented half a key), then Next.
  x = type_row(1, x0 + (kb.page == KeyPage::Cyrillic ? 0 : unit / 2));
  if (show_next) {
    if (key(x, right - x, tr("keyboard.next") + " ▸", ButtonKind::Primary)) ev.next = true;
  } else if (key(x, right - x, tr("keyboard.done"), ButtonKind::Primary)) {
    ev.done = true;
  }
  y += m.h + m.gap;
  // Row 3: shift, characters, shift.
  const float shift_w = kb.page == KeyPage::Cyrillic ? m.w : unit + m.w / 2;
  const ButtonKind shift_kind = upper ? ButtonKind::TabSelected : ButtonKind::Key;
  if (has_case) {
    if (key(x0, shift_w, kb.caps_lock ? "⇪" : "⇧", shift_kind)) {
      if (kb.caps_lock) { kb.caps_lock = false; kb.shift = false; }
      else if (kb.shift) kb.caps_lock = true;
      else kb.shift = true;
    }
  }
  x = type_row(2, x0 + shift_w + m.gap);
  if (has_case && right - x >= m.w * 0.66f) {
    if (button(f, ImRect(x, y, right, y + m.h), kb.caps_lock ? "⇪" : "⇧", shift_kind, true, fonts().key, "⇧ right")) {
      if (kb.caps_lock) { kb.caps_lock = false; kb.shift = false; }
      else if (kb.shift) kb.caps_lock = true;
      else kb.shift = true;
    }
  }
  y += m.h + m.gap;
  // Row 4: page switches, space, Done.
  x = x0;
  const float page_w = unit + m.w / 2;
  auto page_key = [&](KeyPage page, std::string_view label) {
    const bool on = kb.page == page;
    if (key(x, page_w, on ? "abc" : label, on ? ButtonKind::TabSelected : ButtonKind::Key)) {
      kb.page = on ? KeyPage::Letters : page;  // shift carries over: a capital may be on another page
    }
    x += page_w + m.gap;
  };
  page_key(KeyPage::Symbols, "123");
  page_key(KeyPage::Accents, "àéü");
  page_key(KeyPage::Greek, "αβγ");
  page_key(KeyPage::Cyrillic, "абв");
  const float done_w = unit + m.w;
  const float arrows_w = 2 * m.w + m.gap;
  if (key(x, right - done_w - arrows_w - 2 * m.gap - x, tr("keyboard.space"))) ev.typed += " ";
  const float ax = right - done_w - arrows_w - m.gap;
  if (key(ax, m.w, "◀")) ev.left = true;
  if (key(ax + m.w + m.gap, m.w, "▶")) ev.right = true;
  if (key(right - done_w, done_w, show_next ? tr("keyboard.done") : tr("keyboard.hide"), ButtonKind::Normal)) ev.done = true;
  return ev;
}

// [SECTION] Editing

std::size_t cursor_left(const std::string& value, std::size_t cursor) {
  cursor = std::min(cursor, value.size());
  while (cursor > 0) {
    --cursor;
    if ((static_cast<unsigned char>(value[cursor]) & 0xC0) != 0x80) break;  // not a continuation byte
  }
  return cursor;
}

std::size_t cursor_right(const std::string& value, std::size_t cursor) {
  if (cursor >= value.size()) return value.size();
  ++cursor;
  while (cursor < value.size() && (static_cast<unsigned char>(value[cursor]) & 0xC0) == 0x80) ++cursor;
  return cursor;
}

void edit_text_at(std::string& value, std::size_t& cursor, const std::string& typed, bool backspace,
                  std::size_t max_points) {
  cursor = std::min(cursor, value.size());
  if (backspace && cursor > 0) {
    const std::size_t from = cursor_left(value, cursor);
    value.erase(from, cursor - from);
    cursor = from;
  }
  if (typed.empty() || !is_valid_utf8(typed)) return;
  std::size_t have = count_code_points(value);
  std::string_view rest(typed);
  while (!rest.empty() && have < max_points) {
    std::string_view one = prefix_code_points(rest, 1);
    if (one.empty()) break;
    // Line breaks and other control characters are never part of a field.
    if (!has_control_character(one)) {
      value.insert(cursor, one);
      cursor += one.size();
      ++have;
    }
    rest.remove_prefix(one.size());
  }
}

void edit_text(std::string& value, const std::string& typed, bool backspace, std::size_t max_points) {
  std::size_t end = value.size();
  edit_text_at(value, end, typed, backspace, max_points);
}

}  // namespace osb::ui
