// Open Space Board — the claim dialog: title, name, optional description, then "✓ Claim".
// It opens with the cursor in Title so a hardware keyboard types at once; the on-screen keyboard
// sits below the fields and never covers them. Counts show the limits as people type; a field's
// problem is one sentence under it, and the Claim button says why it is not ready yet.
//
// [SECTION] Validation
// [SECTION] Opening and submitting
// [SECTION] Drawing
// [SECTION] Debug accessors
#include <algorithm>

#include "core/text.hpp"
#include "ui/assets.hpp"
#include "ui/text.hpp"
#include "ui/ui_internal.hpp"

namespace osb::ui {

namespace {

// [SECTION] Validation

constexpr std::size_t kMax[3] = {kTitleMax, kHostMax, kDescriptionMax};
constexpr std::size_t kMin[3] = {1, 1, 0};
const char* const kLabelKeys[3] = {"claim.title", "claim.name", "claim.description"};
const char* const kFieldIds[3] = {"field Title", "field Your name", "field Description"};  // stable ids for tests
std::string label(int field) { return tr(kLabelKeys[field]); }

std::string problem_sentence(int field, const TextCheck& c) {
  switch (c.problem) {
    case TextProblem::None: return {};
    case TextProblem::Empty:
      return field == 0 ? tr("claim.title_empty") : tr("claim.name_empty");
    case TextProblem::TooLong: return tr("claim.too_long", {{"field", label(field)}, {"max", std::to_string(kMax[field])}});
    case TextProblem::BadUtf8:
    case TextProblem::Control: return tr("claim.bad_character", {{"field", label(field)}});
  }
  return {};
}

std::string field_problem(const ClaimDraft& d, int i) {
  return problem_sentence(i, check_text(d.fields[i], kMin[i], kMax[i]));
}

// The error shown under a field: only once the person has moved on from it, tried to claim,
// or typed something that is wrong (a new empty field is not an error yet).
std::string shown_error(const ClaimDraft& d, int i) {
  const bool typed = !d.fields[i].empty();
  if (!(d.left[i] || d.tried || typed)) return {};
  return field_problem(d, i);
}

std::string disabled_reason(const ClaimDraft& d) {
  const TextCheck title = check_text(d.fields[0], 1, kTitleMax);
  const TextCheck name = check_text(d.fields[1], 1, kHostMax);
  if (title.problem == TextProblem::Empty) return tr("claim.type_title");
  if (!title.ok()) return field_problem(d, 0);
  if (name.problem == TextProblem::Empty) return tr("claim.type_name");
  if (!name.ok()) return field_problem(d, 1);
  return field_problem(d, 2);
}

void auto_capital(ClaimDraft& d) {
  // Titles and names start with a capital letter, as on a phone.
  if (d.focus < 2 && d.fields[d.focus].empty() && !d.kb.caps_lock && d.kb.page == KeyPage::Letters) d.kb.shift = true;
}

// Moving to a field puts the caret at its end (a tap then places it where the finger is).
void focus_field(ClaimDraft& d, int i) {
  if (i == d.focus) return;
  d.left[d.focus] = true;
  d.focus = i;
  d.cursor[i] = d.fields[i].size();
  d.kb.shift = false;
  auto_capital(d);
}

// [SECTION] Opening and submitting

void submit(Frame& f) {
  ClaimDraft& d = *f.st.claim;
  if (!disabled_reason(d).empty()) {
    d.tried = true;
    return;
  }
  Claim c{make_claim_id(f.st.rng, f.view.kiosk_id), d.key.day, d.key.room, d.key.start,
          trim(d.fields[0]), trim(d.fields[1]), trim(d.fields[2])};
  if (normalize_claim(c)) {  // cannot happen after the checks above; never send a bad claim
    d.tried = true;
    return;
  }
  f.out.push_back(intent::SubmitClaim{c});
  f.st.awaiting = Awaiting{c, f.now, false};
  f.st.claim.reset();
  f.st.modal = Modal::None;
}

void cancel(Frame& f) {
  f.st.claim.reset();
  f.st.modal = Modal::None;
}

}  // namespace

void open_claim_dialog(UiStateImpl& st, const KioskView& view, const CellKey& key, const std::string* title,
                       const std::string* host, const std::string* description) {
  ClaimDraft d;
  d.key = key;
  d.end = slot_end(view, key.start);
  if (title) d.fields[0] = *title;
  if (host) d.fields[1] = *host;
  if (description) d.fields[2] = *description;
  for (int i = 0; i < 3; ++i) d.cursor[i] = d.fields[i].size();
  d.focus = 0;
  auto_capital(d);
  st.claim = std::move(d);
  st.modal = Modal::Claim;
}

// [SECTION] Drawing

void draw_claim_dialog(Frame& f) {
  if (!f.st.claim) { f.st.modal = Modal::None; return; }
  ClaimDraft& d = *f.st.claim;
  const KioskView& v = f.view;
  dim_behind(f);

  // Hardware keyboard first: it acts on the field that has the cursor.
  if (f.key_escape) { cancel(f); return; }
  {
    std::string& text = d.fields[d.focus];
    std::size_t& at = d.cursor[d.focus];
    if (f.key_left) at = cursor_left(text, at);
    if (f.key_right) at = cursor_right(text, at);
    if (f.key_home) at = 0;
    if (f.key_end) at = text.size();
    if (f.key_delete && at < text.size()) {  // Delete: the character after the caret
      at = cursor_right(text, at);
      edit_text_at(text, at, {}, true, kMax[d.focus]);
      auto_capital(d);
    }
  }
  if (!f.typed.empty() || f.key_backspace) {
    edit_text_at(d.fields[d.focus], d.cursor[d.focus], f.typed, f.key_backspace, kMax[d.focus]);
    if (f.key_backspace) auto_capital(d);
    else d.kb.shift = d.kb.caps_lock;
  }
  if (f.key_tab) focus_field(d, (d.focus + 1) % 3);
  if (f.key_enter) { submit(f); if (!f.st.claim) return; }

  const ImRect safe = f.safe();
  const float kb_h = d.keyboard ? keyboard_height(f) : 0;
  const ImRect kb_area(safe.Min.x - f.px(theme::edge), safe.Max.y - kb_h, safe.Max.x + f.px(theme::edge),
                       safe.Max.y + f.px(theme::edge));
  const float pad = f.px(24);
  const float field_h = f.px(72), error_h = f.px(36), row_gap = f.px(8), title_h = f.px(56), buttons_h = f.px(80);
  // What the slot clashes with: the scheduled talks at the same time, in one line under the title.
  const std::string clash = clash_words(v, d.key, d.end);
  f.st.clash = clash;
  const float clash_h = clash.empty() ? 0.0f : f.px(44);
  const float content_h = title_h + clash_h + 3 * (field_h + error_h + row_gap) + buttons_h + 2 * pad;
  const float bottom = d.keyboard ? kb_area.Min.y - f.px(12) : safe.Max.y;
  const float top = d.keyboard ? std::max(safe.Min.y, bottom - content_h) : safe.Min.y + (bottom - safe.Min.y - content_h) / 2;
  const ImRect panel(safe.Min.x, top, safe.Max.x, top + content_h);
  draw_panel(f, panel);

  // Title: "Claim Room C, Saturday 14:00–15:00".
  f.st.dialog_title = tr("claim.dialog_title", {{"room", room_name(v, d.key.room)}, {"weekday", weekday_long(d.key.day)},
                                                 {"time", d.key.start + (d.end.empty() ? "" : "–" + d.end)}});
  float y = panel.Min.y + pad;
  draw_text_in(f, fonts().header, ImRect(panel.Min.x + pad, y, panel.Max.x - pad, y + title_h), theme::text,
               f.st.dialog_title);
  y += title_h;
  if (!clash.empty()) {
    const float icon_h = fonts().body->FontSize * 0.9f;
    const float iw = draw_icon(f.dl, "talk", ImVec2(panel.Min.x + pad, y + (clash_h - icon_h) / 2 - f.px(6)), icon_h, theme::talk_text);
    draw_text_in(f, fonts().body, ImRect(panel.Min.x + pad + iw + f.px(10), y - f.px(6), panel.Max.x - pad, y + clash_h - f.px(6)),
                 theme::talk_text, clash);
    y += clash_h;
  }

  const float label_w = f.px(f.portrait() ? 190 : 230), count_w = f.px(150);
  const ImRect cols(panel.Min.x + pad, 0, panel.Max.x - pad, 0);
  for (int i = 0; i < 3; ++i) {
    draw_text_in(f, fonts().body, ImRect(cols.Min.x, y, cols.Min.x + label_w, y + field_h), theme::text, label(i));
    const ImRect field(cols.Min.x + label_w, y, cols.Max.x - count_w - f.px(12), y + field_h);
    std::size_t tapped_at = d.cursor[i];
    if (text_field(f, field, d.fields[i], i == 2 ? tr("claim.optional") : "", i == d.focus, kFieldIds[i],
                   &tapped_at)) {
      focus_field(d, i);
      d.cursor[i] = tapped_at;  // the caret goes where the finger was
      d.keyboard = true;
    }
    const std::size_t n = count_code_points(d.fields[i]);
    const std::string count = std::to_string(n) + " / " + std::to_string(kMax[i]);
    draw_text_in(f, fonts().body, ImRect(cols.Max.x - count_w, y, cols.Max.x, y + field_h),
                 n >= kMax[i] ? theme::amber : theme::past_text, count, true, true);
    const std::string err = shown_error(d, i);
    if (!err.empty())
      draw_text_in(f, fonts().body, ImRect(field.Min.x, y + field_h, cols.Max.x, y + field_h + error_h), theme::error_text, err);
    y += field_h + error_h + row_gap;
  }

  // Buttons: the reason Claim is not ready, Cancel, Claim.
  const float claim_w = f.px(260), cancel_w = f.px(200);
  const ImRect claim_r(cols.Max.x - claim_w, y, cols.Max.x, y + buttons_h);
  const ImRect cancel_r(claim_r.Min.x - f.px(24) - cancel_w, y, claim_r.Min.x - f.px(24), y + buttons_h);
  const std::string reason = disabled_reason(d);
  if (!reason.empty())
    draw_text_in(f, fonts().body, ImRect(cols.Min.x, y, cancel_r.Min.x - f.px(16), y + buttons_h),
                 d.tried ? theme::error_text : theme::text, reason);
  if (button(f, cancel_r, tr("common.cancel"), ButtonKind::Quiet)) { cancel(f); return; }
  if (button(f, claim_r, "✓ " + tr("claim.claim"), ButtonKind::Primary, reason.empty())) { submit(f); return; }

  if (d.keyboard) {
    const KeyboardEvents ev = draw_keyboard(f, kb_area, d.kb, d.focus < 2);
    if (ev.left) d.cursor[d.focus] = cursor_left(d.fields[d.focus], d.cursor[d.focus]);
    if (ev.right) d.cursor[d.focus] = cursor_right(d.fields[d.focus], d.cursor[d.focus]);
    if (!ev.typed.empty() || ev.backspace) {
      edit_text_at(d.fields[d.focus], d.cursor[d.focus], ev.typed, ev.backspace, kMax[d.focus]);
      if (ev.backspace) auto_capital(d);
    }
    if (ev.next) focus_field(d, std::min(2, d.focus + 1));
    if (ev.done) d.keyboard = false;
  }
}

// [SECTION] Debug accessors

namespace debug {
std::string field_error(const UiState& s, int field) {
  return s.impl->claim && field >= 0 && field < 3 ? shown_error(*s.impl->claim, field) : std::string();
}
bool claim_enabled(const UiState& s) { return s.impl->claim && disabled_reason(*s.impl->claim).empty(); }
std::string claim_disabled_reason(const UiState& s) {
  return s.impl->claim ? disabled_reason(*s.impl->claim) : std::string();
}
}  // namespace debug

}  // namespace osb::ui
