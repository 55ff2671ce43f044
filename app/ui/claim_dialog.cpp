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

// What each form asks for: labels (text keys), stable ids for tests, limits.
struct FormSpec {
  int n;
  const char* labels[kMaxFields];
  const char* ids[kMaxFields];
  std::size_t min[kMaxFields];
  std::size_t max[kMaxFields];
};
constexpr FormSpec kClaimForm{3, {"claim.title", "claim.name", "claim.description", ""},
                              {"field Title", "field Your name", "field Description", ""},
                              {1, 1, 0, 0}, {kTitleMax, kHostMax, kDescriptionMax, 0}};
constexpr FormSpec kSignupForm{2, {"claim.title", "lightning.speaker", "", ""},
                               {"field Title", "field Speaker", "", ""},
                               {1, 1, 0, 0}, {kTitleMax, kSpeakerMax, 0, 0}};
constexpr FormSpec kGroupForm{4, {"group.what", "claim.name", "group.where", "group.time"},
                              {"field What", "field Your name", "field Where", "field Time"},
                              {1, 1, 1, 1}, {kTitleMax, kHostMax, kWhereMax, 5}};
const FormSpec& spec(const ClaimDraft& d) {
  return d.form == Form::Signup ? kSignupForm : d.form == Form::Group ? kGroupForm : kClaimForm;
}
std::string label(const ClaimDraft& d, int field) { return tr(spec(d).labels[field]); }

std::string problem_sentence(const ClaimDraft& d, int field, const TextCheck& c) {
  switch (c.problem) {
    case TextProblem::None: return {};
    case TextProblem::Empty:
      if (d.form == Form::Claim) return field == 0 ? tr("claim.title_empty") : tr("claim.name_empty");
      return tr("form.field_empty", {{"field", label(d, field)}});
    case TextProblem::TooLong:
      return tr("claim.too_long", {{"field", label(d, field)}, {"max", std::to_string(spec(d).max[field])}});
    case TextProblem::BadUtf8:
    case TextProblem::Control: return tr("claim.bad_character", {{"field", label(d, field)}});
  }
  return {};
}

// A group's time: HH:MM, and not gone by when the group is for today.
std::string time_problem(const ClaimDraft& d, const KioskView* v) {
  const std::string t = trim(d.fields[3]);
  if (t.empty()) return tr("form.field_empty", {{"field", label(d, 3)}});
  const auto m = parse_hhmm(t);
  if (!m) return tr("group.time_format");
  if (v && d.key.day == v->now.day && *m < v->now.minute) return tr("group.time_past");
  return {};
}

std::string field_problem(const ClaimDraft& d, int i, const KioskView* v = nullptr) {
  if (d.form == Form::Group && i == 3) return time_problem(d, v);
  return problem_sentence(d, i, check_text(d.fields[i], spec(d).min[i], spec(d).max[i]));
}

// The error shown under a field: only once the person has moved on from it, tried to claim,
// or typed something that is wrong (a new empty field is not an error yet).
std::string shown_error(const ClaimDraft& d, int i, const KioskView* v = nullptr) {
  const bool typed = !d.fields[i].empty();
  if (!(d.left[i] || d.tried || typed)) return {};
  if (d.form == Form::Group && i == 3 && typed && !d.left[i] && !d.tried && d.fields[3].size() < 5) return {};  // still typing
  return field_problem(d, i, v);
}

std::string disabled_reason(const ClaimDraft& d, const KioskView* v = nullptr) {
  if (d.form == Form::Claim) {
    const TextCheck title = check_text(d.fields[0], 1, kTitleMax);
    const TextCheck name = check_text(d.fields[1], 1, kHostMax);
    if (title.problem == TextProblem::Empty) return tr("claim.type_title");
    if (!title.ok()) return field_problem(d, 0);
    if (name.problem == TextProblem::Empty) return tr("claim.type_name");
    if (!name.ok()) return field_problem(d, 1);
    return field_problem(d, 2);
  }
  for (int i = 0; i < spec(d).n; ++i) {
    const std::string p = field_problem(d, i, v);
    if (!p.empty()) return p;
  }
  return {};
}

void auto_capital(ClaimDraft& d) {
  // Titles and names start with a capital letter, as on a phone (not a time or a description).
  const bool text_field = d.form == Form::Claim ? d.focus < 2 : !(d.form == Form::Group && d.focus == 3);
  if (text_field && d.fields[d.focus].empty() && !d.kb.caps_lock && d.kb.page == KeyPage::Letters) d.kb.shift = true;
}

// Moving to a field puts the caret at its end (a tap then places it where the finger is).
void focus_field(ClaimDraft& d, int i) {
  if (i == d.focus) return;
  d.left[d.focus] = true;
  d.focus = i;
  d.cursor[i] = d.fields[i].size();
  d.kb.shift = false;
  // The time is digits: the symbols page has them.
  if (d.form == Form::Group && i == 3) d.kb.page = KeyPage::Symbols;
  else if (d.kb.page == KeyPage::Symbols) d.kb.page = KeyPage::Letters;
  auto_capital(d);
}

// [SECTION] Opening and submitting

void submit(Frame& f) {
  ClaimDraft& d = *f.st.claim;
  if (!disabled_reason(d, &f.view).empty()) {
    d.tried = true;
    return;
  }
  if (d.form == Form::Signup) {
    LightningSignup x{make_claim_id(f.st.rng, f.view.kiosk_id), d.key.day, d.key.start, trim(d.fields[0]), trim(d.fields[1]), 0};
    if (normalize_signup(x)) { d.tried = true; return; }
    f.out.push_back(intent::SubmitSignup{x});
  } else if (d.form == Form::Group) {
    Group g;
    g.group_id = make_claim_id(f.st.rng, f.view.kiosk_id);
    g.day = d.key.day;
    g.time = format_hhmm(*parse_hhmm(trim(d.fields[3])));
    g.title = trim(d.fields[0]);
    g.host = trim(d.fields[1]);
    g.where = trim(d.fields[2]);
    g.seats = d.seats;
    g.continues = d.continues;
    if (normalize_group(g)) { d.tried = true; return; }
    f.out.push_back(intent::SubmitGroup{g});
    // The person who made the group is in it: it shows "You're in" here, and the count has them.
    f.st.joined.insert(g.group_id);
    f.out.push_back(intent::JoinGroup{g.group_id, make_claim_id(f.st.rng, f.view.kiosk_id)});
    f.st.page = Page::Tonight;
    f.st.day = d.key.day;
  } else {
    Claim c{make_claim_id(f.st.rng, f.view.kiosk_id), d.key.day, d.key.room, d.key.start,
            trim(d.fields[0]), trim(d.fields[1]), trim(d.fields[2])};
    if (normalize_claim(c)) {  // cannot happen after the checks above; never send a bad claim
      d.tried = true;
      return;
    }
    f.out.push_back(intent::SubmitClaim{c});
    f.st.awaiting = Awaiting{c, f.now, false};
  }
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

void open_signup_dialog(UiStateImpl& st, const std::string& day, const std::string& start) {
  ClaimDraft d;
  d.form = Form::Signup;
  d.key = CellKey{day, "", start};
  d.focus = 0;
  auto_capital(d);
  st.claim = std::move(d);
  st.modal = Modal::Claim;
}

void open_group_dialog(UiStateImpl& st, const KioskView& view, const std::string& day, const Cell* continues) {
  ClaimDraft d;
  d.form = Form::Group;
  d.key = CellKey{day, "", ""};
  d.fields[3] = "19:30";
  if (day == view.now.day && view.now.minute > 19 * 60) d.fields[3] = format_hhmm(std::min(23 * 60 + 30, (view.now.minute / 30 + 1) * 30));
  if (continues) {
    d.continues = continues->claim_id;
    d.continues_title = continues->title;
    d.fields[0] = tr("group.dinner_about", {{"title", continues->title}});
    if (count_code_points(d.fields[0]) > kTitleMax) d.fields[0] = tr("group.dinner");
    d.fields[1] = continues->host;
    d.focus = 2;  // what and who are there: where to meet is next
  }
  for (int i = 0; i < kMaxFields; ++i) d.cursor[i] = d.fields[i].size();
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
      edit_text_at(text, at, {}, true, spec(d).max[d.focus]);
      auto_capital(d);
    }
  }
  if (!f.typed.empty() || f.key_backspace) {
    edit_text_at(d.fields[d.focus], d.cursor[d.focus], f.typed, f.key_backspace, spec(d).max[d.focus]);
    if (f.key_backspace) auto_capital(d);
    else d.kb.shift = d.kb.caps_lock;
  }
  const int nfields = spec(d).n;
  if (f.key_tab) focus_field(d, (d.focus + 1) % nfields);
  if (f.key_enter) { submit(f); if (!f.st.claim) return; }

  const ImRect safe = f.safe();
  const float kb_h = d.keyboard ? keyboard_height(f) : 0;
  const ImRect kb_area(safe.Min.x - f.px(theme::edge), safe.Max.y - kb_h, safe.Max.x + f.px(theme::edge),
                       safe.Max.y + f.px(theme::edge));
  const float pad = f.px(24);
  const float field_h = f.px(72), error_h = f.px(36), row_gap = f.px(8), title_h = f.px(56), buttons_h = f.px(80);
  // What the slot clashes with: the scheduled talks at the same time, in one line under the title.
  const std::string clash = d.form == Form::Claim ? clash_words(v, d.key, d.end) : std::string();
  f.st.clash = clash;
  const float clash_h = clash.empty() ? 0.0f : f.px(44);
  const float seats_h = d.form == Form::Group ? field_h + row_gap * 2 : 0.0f;
  const float content_h = title_h + clash_h + nfields * (field_h + error_h + row_gap) + seats_h + buttons_h + 2 * pad;
  const float bottom = d.keyboard ? kb_area.Min.y - f.px(12) : safe.Max.y;
  const float top = d.keyboard ? std::max(safe.Min.y, bottom - content_h) : safe.Min.y + (bottom - safe.Min.y - content_h) / 2;
  const ImRect panel(safe.Min.x, top, safe.Max.x, top + content_h);
  draw_panel(f, panel);

  // Title: "Claim Room C, Saturday 14:00–15:00".
  if (d.form == Form::Signup)
    f.st.dialog_title = tr("lightning.dialog_title", {{"time", d.key.start}, {"weekday", weekday_long(d.key.day)}});
  else if (d.form == Form::Group)
    f.st.dialog_title = d.continues.empty() ? tr("group.dialog_title", {{"weekday", weekday_long(d.key.day)}})
                                            : tr("group.dialog_title_continues", {{"title", d.continues_title}});
  else
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
  for (int i = 0; i < nfields; ++i) {
    draw_text_in(f, fonts().body, ImRect(cols.Min.x, y, cols.Min.x + label_w, y + field_h), theme::text, label(d, i));
    const bool is_time = d.form == Form::Group && i == 3;
    const ImRect field(cols.Min.x + label_w, y, is_time ? cols.Min.x + label_w + f.px(200) : cols.Max.x - count_w - f.px(12), y + field_h);
    std::size_t tapped_at = d.cursor[i];
    const bool optional = d.form == Form::Claim && i == 2;
    if (text_field(f, field, d.fields[i], optional ? tr("claim.optional") : is_time ? "HH:MM" : "", i == d.focus,
                   spec(d).ids[i], &tapped_at)) {
      focus_field(d, i);
      d.cursor[i] = tapped_at;  // the caret goes where the finger was
      d.keyboard = true;
    }
    if (!is_time) {
      const std::size_t n = count_code_points(d.fields[i]);
      const std::string count = std::to_string(n) + " / " + std::to_string(spec(d).max[i]);
      draw_text_in(f, fonts().body, ImRect(cols.Max.x - count_w, y, cols.Max.x, y + field_h),
                   n >= spec(d).max[i] ? theme::amber : theme::past_text, count, true, true);
    }
    const std::string err = shown_error(d, i, &v);
    if (!err.empty())
      draw_text_in(f, fonts().body, ImRect(field.Min.x, y + field_h, cols.Max.x, y + field_h + error_h), theme::error_text, err);
    y += field_h + error_h + row_gap;
  }
  if (d.form == Form::Group) {
    // Seats: a stepper, 2 to 40, with the number in words beside it.
    draw_text_in(f, fonts().body, ImRect(cols.Min.x, y, cols.Min.x + label_w, y + field_h), theme::text, tr("group.seats"));
    const float bw = f.px(96);
    const ImRect minus(cols.Min.x + label_w, y, cols.Min.x + label_w + bw, y + field_h);
    const ImRect num(minus.Max.x, y, minus.Max.x + f.px(120), y + field_h);
    const ImRect plus(num.Max.x, y, num.Max.x + bw, y + field_h);
    if (button(f, minus, "−", ButtonKind::Key, d.seats > kSeatsMin, fonts().header, "seats minus")) d.seats = std::max(kSeatsMin, d.seats - 1);
    draw_text_in(f, fonts().header, num, theme::text, std::to_string(d.seats), true, true);
    if (button(f, plus, "+", ButtonKind::Key, d.seats < kSeatsMax, fonts().header, "seats plus")) d.seats = std::min(kSeatsMax, d.seats + 1);
    draw_text_in(f, fonts().body, ImRect(plus.Max.x + f.px(16), y, cols.Max.x, y + field_h), theme::past_text,
                 trn("group.seats_words", d.seats));
    y += field_h + row_gap * 2;
  }

  // Buttons: the reason Claim is not ready, Cancel, Claim.
  const float claim_w = f.px(260), cancel_w = f.px(200);
  const ImRect claim_r(cols.Max.x - claim_w, y, cols.Max.x, y + buttons_h);
  const ImRect cancel_r(claim_r.Min.x - f.px(24) - cancel_w, y, claim_r.Min.x - f.px(24), y + buttons_h);
  const std::string reason = disabled_reason(d, &v);
  d.reason = reason;
  if (!reason.empty())
    draw_text_in(f, fonts().body, ImRect(cols.Min.x, y, cancel_r.Min.x - f.px(16), y + buttons_h),
                 d.tried ? theme::error_text : theme::text, reason);
  if (button(f, cancel_r, tr("common.cancel"), ButtonKind::Quiet)) { cancel(f); return; }
  const std::string go = d.form == Form::Signup ? tr("lightning.sign_up") : d.form == Form::Group ? tr("group.create") : tr("claim.claim");
  if (button(f, claim_r, "✓ " + go, ButtonKind::Primary, reason.empty())) { submit(f); return; }

  if (d.keyboard) {
    const KeyboardEvents ev = draw_keyboard(f, kb_area, d.kb, d.focus < nfields - 1);
    if (ev.left) d.cursor[d.focus] = cursor_left(d.fields[d.focus], d.cursor[d.focus]);
    if (ev.right) d.cursor[d.focus] = cursor_right(d.fields[d.focus], d.cursor[d.focus]);
    if (!ev.typed.empty() || ev.backspace) {
      edit_text_at(d.fields[d.focus], d.cursor[d.focus], ev.typed, ev.backspace, spec(d).max[d.focus]);
      if (ev.backspace) auto_capital(d);
    }
    if (ev.next) focus_field(d, std::min(nfields - 1, d.focus + 1));
    if (ev.done) d.keyboard = false;
  }
}

// [SECTION] Debug accessors

namespace debug {
std::string field_error(const UiState& s, int field) {
  return s.impl->claim && field >= 0 && field < spec(*s.impl->claim).n ? shown_error(*s.impl->claim, field) : std::string();
}
std::string form(const UiState& s) {
  if (!s.impl->claim || s.impl->modal != Modal::Claim) return {};
  switch (s.impl->claim->form) {
    case Form::Claim: return "claim";
    case Form::Signup: return "signup";
    case Form::Group: return "group";
  }
  return {};
}
// As the last frame drew it (it knows the venue clock: a group's time may have gone by).
bool claim_enabled(const UiState& s) { return s.impl->claim && s.impl->claim->reason.empty(); }
std::string claim_disabled_reason(const UiState& s) { return s.impl->claim ? s.impl->claim->reason : std::string(); }
}  // namespace debug

}  // namespace osb::ui
