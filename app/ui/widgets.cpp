// Open Space Board — the small pieces every screen draws with.
// Touch first: a tap is a press and a release without a drag, so a finger that scrolls the board
// never claims a cell by accident; pressed feedback replaces hover, which a finger does not have.
//
// [SECTION] Taps and buttons
// [SECTION] Text that fits
// [SECTION] Drawn icons and panels
// [SECTION] Text fields
#include <algorithm>
#include <cmath>

#include "core/text.hpp"
#include "ui/assets.hpp"
#include "ui/ui_internal.hpp"

namespace osb::ui {

// [SECTION] Taps and buttons

bool tapped(Frame& f, const ImRect& r) {
  if (!f.tap || f.layer != f.top) return false;
  if (!r.Contains(f.tap_pos)) return false;
  f.tap = false;  // one tap, one action
  return true;
}

bool held(const Frame& f, const ImRect& r) {
  return f.down && f.layer == f.top && !f.st.dragging && r.Contains(f.pointer) && r.Contains(f.st.press_pos);
}

bool button(Frame& f, const ImRect& r, std::string_view label, ButtonKind kind, bool enabled, ImFont* font,
            std::string_view id) {
  const bool pressed = enabled && held(f, r);
  ImU32 fill = theme::key_fill, col = theme::text, border = 0;
  switch (kind) {
    case ButtonKind::Primary: fill = pressed ? theme::primary_pressed : theme::primary; col = theme::white; break;
    case ButtonKind::Danger: fill = pressed ? theme::danger_pressed : theme::danger; col = theme::white; break;
    case ButtonKind::TabSelected: fill = theme::open_fill; border = theme::amber; col = theme::amber; break;
    case ButtonKind::Tab: fill = pressed ? theme::key_pressed : theme::page; border = theme::line; break;
    case ButtonKind::Quiet: fill = pressed ? theme::key_pressed : theme::dialog; border = theme::line; break;
    case ButtonKind::Key:
    case ButtonKind::Normal: fill = pressed ? theme::key_pressed : theme::key_fill; break;
  }
  if (!enabled) { fill = theme::disabled_fill; col = theme::disabled_text; border = theme::line; }
  const float rounding = f.px(theme::radius);
  f.dl->AddRectFilled(r.Min, r.Max, fill, rounding);
  if (border) f.dl->AddRect(r.Min, r.Max, border, rounding, 0, kind == ButtonKind::TabSelected ? f.px(3) : f.px(1.5f));
  if (!font) font = (kind == ButtonKind::Primary || kind == ButtonKind::Danger) ? fonts().header : fonts().key;
  ImRect inner(r.Min.x + f.px(8), r.Min.y, r.Max.x - f.px(8), r.Max.y);
  draw_text_in(f, font, inner, col, label, true, true);
  f.st.buttons.push_back({std::string(id.empty() ? label : id), r, enabled});
  const bool hit = tapped(f, r);
  return hit && enabled;
}

// [SECTION] Text that fits

float text_width(ImFont* font, std::string_view text) {
  if (text.empty()) return 0;
  return font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, text.data(), text.data() + text.size()).x;
}

std::string fit_text(ImFont* font, std::string_view text, float max_w) {
  if (text_width(font, text) <= max_w) return std::string(text);
  static constexpr std::string_view kEllipsis = "…";
  // Cut whole code points off the end until the rest plus "…" fits (binary search on length).
  const std::size_t n = count_code_points(text);
  std::size_t lo = 0, hi = n;
  while (lo < hi) {
    const std::size_t mid = (lo + hi + 1) / 2;
    std::string candidate = trim(prefix_code_points(text, mid));
    candidate += kEllipsis;
    if (text_width(font, candidate) <= max_w) lo = mid;
    else hi = mid - 1;
  }
  if (lo == 0) return text_width(font, kEllipsis) <= max_w ? std::string(kEllipsis) : std::string();
  return trim(prefix_code_points(text, lo)) + std::string(kEllipsis);
}

std::string fit_tail(ImFont* font, std::string_view text, float max_w) {
  if (text_width(font, text) <= max_w) return std::string(text);
  std::string_view rest = text;
  std::string out;
  while (!rest.empty()) {
    // Drop one code point from the front.
    std::size_t i = 1;
    while (i < rest.size() && (static_cast<unsigned char>(rest[i]) & 0xC0) == 0x80) ++i;
    rest.remove_prefix(i);
    out = "…" + std::string(rest);
    if (text_width(font, out) <= max_w) return out;
  }
  return "…";
}

void draw_text(Frame& f, ImFont* font, ImVec2 pos, ImU32 col, std::string_view text) {
  if (text.empty()) return;
  f.dl->AddText(font, font->FontSize, ImVec2(std::floor(pos.x), std::floor(pos.y)), col, text.data(),
                text.data() + text.size());
}

std::string draw_text_in(Frame& f, ImFont* font, const ImRect& r, ImU32 col, std::string_view text, bool center_x,
                         bool center_y) {
  std::string shown = fit_text(font, text, r.GetWidth());
  const float w = text_width(font, shown);
  ImVec2 pos = r.Min;
  if (center_x) pos.x += (r.GetWidth() - w) / 2;
  if (center_y) pos.y += (r.GetHeight() - font->FontSize) / 2;
  // Clip as well as shorten: nothing ever spills into the neighbour.
  f.dl->PushClipRect(r.Min, r.Max, true);
  draw_text(f, font, pos, col, shown);
  f.dl->PopClipRect();
  return shown;
}

std::vector<std::string> wrap_text(ImFont* font, std::string_view text, float max_w, int max_lines) {
  std::vector<std::string> lines;
  std::string_view rest = text;
  while (!rest.empty() && static_cast<int>(lines.size()) < max_lines) {
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (rest.empty()) break;
    if (static_cast<int>(lines.size()) == max_lines - 1 || text_width(font, rest) <= max_w) {
      lines.push_back(fit_text(font, rest, max_w));
      break;
    }
    // Longest prefix ending at a space that fits; a single long word is cut with "…".
    std::size_t best = 0;
    for (std::size_t i = 0; i < rest.size(); ++i)
      if (rest[i] == ' ' && text_width(font, rest.substr(0, i)) <= max_w) best = i;
    if (best == 0) {
      lines.push_back(fit_text(font, rest, max_w));
      std::size_t word_end = rest.find(' ');
      rest = word_end == std::string_view::npos ? std::string_view{} : rest.substr(word_end);
      continue;
    }
    lines.emplace_back(rest.substr(0, best));
    rest.remove_prefix(best);
  }
  return lines;
}

// [SECTION] Drawn icons and panels

void draw_hatch(ImDrawList* dl, const ImRect& r, ImU32 col, float spacing, float thickness) {
  dl->PushClipRect(r.Min, r.Max, true);
  const float h = r.GetHeight();
  for (float x = r.Min.x - h; x < r.Max.x; x += spacing)
    dl->AddLine(ImVec2(x, r.Max.y), ImVec2(x + h, r.Min.y), col, thickness);
  dl->PopClipRect();
}

// Both icons are data (assets/icons.toml); these keep the callers' geometry.
void draw_clock_icon(ImDrawList* dl, ImVec2 c, float radius, ImU32 col) {
  const float h = radius / 0.45f;
  draw_icon(dl, "clock", ImVec2(c.x - h / 2, c.y - h / 2), h, col);
}

void draw_megaphone(ImDrawList* dl, ImVec2 p, float h, ImU32 col) { draw_icon(dl, "megaphone", p, h, col); }

void draw_panel(Frame& f, const ImRect& r, ImU32 fill, ImU32 border) {
  f.dl->AddRectFilled(r.Min, r.Max, fill, f.px(12));
  f.dl->AddRect(r.Min, r.Max, border, f.px(12), 0, f.px(2));
}

void dim_behind(Frame& f) {
  const ImRect s = f.screen();
  // Cover the pixel-shift margin too.
  f.dl->AddRectFilled(ImVec2(s.Min.x - 8, s.Min.y - 8), ImVec2(s.Max.x + 8, s.Max.y + 8), theme::dim);
}

// [SECTION] Text fields

bool text_field(Frame& f, const ImRect& r, const std::string& value, std::string_view placeholder, bool focused,
                std::string_view id, std::size_t* cursor) {
  ImFont* font = fonts().field;
  f.dl->AddRectFilled(r.Min, r.Max, theme::field_fill, f.px(6));
  f.dl->AddRect(r.Min, r.Max, focused ? theme::amber : theme::line, f.px(6), 0, focused ? f.px(3) : f.px(1.5f));
  const float pad = f.px(14);
  const float caret_w = f.px(3);
  ImRect inner(r.Min.x + pad, r.Min.y, r.Max.x - pad - caret_w, r.Max.y);
  const std::size_t caret = cursor ? std::min(*cursor, value.size()) : value.size();
  // The part drawn starts at `first` (a code point boundary), late enough that the caret is in view.
  std::size_t first = 0;
  while (first < caret && text_width(font, std::string_view(value).substr(first, caret - first)) > inner.GetWidth())
    first = cursor_right(value, first);
  const std::string_view shown = std::string_view(value).substr(first);
  float caret_x = inner.Min.x;
  if (value.empty()) {
    if (!placeholder.empty()) draw_text_in(f, fonts().body, inner, theme::past_text, placeholder);
  } else {
    f.dl->PushClipRect(ImVec2(inner.Min.x - f.px(2), r.Min.y), ImVec2(inner.Max.x + caret_w, r.Max.y), true);
    draw_text(f, font, ImVec2(inner.Min.x, inner.Min.y + (inner.GetHeight() - font->FontSize) / 2), theme::text,
              shown);
    f.dl->PopClipRect();
    caret_x += text_width(font, std::string_view(value).substr(first, caret - first));
  }
  if (focused) {
    // Blink at 1 Hz from the steady clock so tests stay deterministic; each touch or key starts
    // the caret visible, so it is there while someone types or moves it.
    const SteadyTime since = f.st.last_input.value_or(SteadyTime{});
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(f.now - since).count();
    if ((ms / 500) % 2 == 0) {
      const float h = font->FontSize;
      const float y = r.Min.y + (r.GetHeight() - h) / 2;
      f.dl->AddRectFilled(ImVec2(caret_x, y), ImVec2(caret_x + caret_w, y + h), theme::amber);
    }
  }
  f.st.buttons.push_back({std::string(id), r, true});
  f.st.caret_x[std::string(id)] = caret_x;
  const ImVec2 tap_at = f.tap_pos;
  if (!tapped(f, r)) return false;
  if (cursor) {
    // The character boundary nearest to the finger, among the characters drawn.
    std::size_t best = first;
    float best_d = FLT_MAX;
    for (std::size_t at = first;; at = cursor_right(value, at)) {
      const float x = inner.Min.x + text_width(font, std::string_view(value).substr(first, at - first));
      const float d = std::abs(x - tap_at.x);
      if (d < best_d) { best_d = d; best = at; }
      if (at >= value.size() || x > inner.Max.x) break;
    }
    *cursor = best;
  }
  return true;
}

}  // namespace osb::ui
