// Open Space Board — developer scenes.
// [SECTION] Helpers: finding what to tap
// [SECTION] Steps
// [SECTION] Scenes
#include "kiosk/scene.hpp"

#include <random>
#include <tuple>

#include "core/time.hpp"
#include "ui/text.hpp"

namespace osb::kiosk {

namespace {

using Clock = std::chrono::steady_clock;

// [SECTION] Helpers: finding what to tap

// The cells of the kiosk's own room (or every room in hallway mode) on the shown day that a
// person could claim now, in board order.
std::vector<CellKey> claimable(const SceneContext& c) {
  std::vector<CellKey> out;
  const std::string day = ui::debug::selected_day(c.ui);
  for (const auto& room : c.view.board.event.rooms) {
    if (!c.view.own_room.empty() && room.id != c.view.own_room) continue;
    for (const auto& slot : c.view.board.event.slots) {
      const CellKey key{day, room.id, format_hhmm(slot.start)};
      if (ui::debug::cell_caption(c.ui, key) == ui::tr("board.tap_to_claim") && ui::debug::cell_rect(c.ui, key)) out.push_back(key);
    }
  }
  return out;
}

bool tap_button(SceneContext& c, std::string_view label) {
  const auto r = ui::debug::button_rect(c.ui, label);
  if (!r || !ui::debug::button_enabled(c.ui, label)) return false;
  c.backend.synthetic_tap(r->cx(), r->cy());
  return true;
}

// A button whose label contains `part` ("Claim" matches "✓ Claim").
std::optional<std::string> find_button(const SceneContext& c, std::string_view part, std::string_view not_part = {}) {
  for (const auto& label : ui::debug::button_labels(c.ui)) {
    if (label.find(part) == std::string::npos) continue;
    if (!not_part.empty() && label.find(not_part) != std::string::npos) continue;
    return label;
  }
  return std::nullopt;
}

// [SECTION] Steps

using StepFn = std::function<bool(SceneContext&)>;

StepFn wait_screen(ui::debug::Screen s) {
  return [s](SceneContext& c) { return ui::debug::screen(c.ui) == s; };
}

// Taps an open cell until the claim dialog opens: a cell partly under a banner may not take the
// tap, so after a few frames the next open cell is tried.
StepFn tap_open_cell_until_dialog() {
  struct Try {
    std::size_t next = 0;
    int frames = 0;
  };
  auto t = std::make_shared<Try>();
  return [t](SceneContext& c) {
    if (ui::debug::screen(c.ui) == ui::debug::Screen::ClaimDialog) return true;
    if (c.backend.input_busy() || t->frames-- > 0) return false;
    const auto cells = claimable(c);
    if (cells.empty()) return false;
    const auto r = ui::debug::cell_rect(c.ui, cells[t->next++ % cells.size()]);
    c.backend.synthetic_tap(r->cx(), r->cy());
    t->frames = 6;
    return false;
  };
}

// Types into the focused field and waits until the UI shows it there.
StepFn type_into(int field, std::string text) {
  auto typed = std::make_shared<bool>(false);
  return [field, text, typed](SceneContext& c) {
    if (ui::debug::focused_field(c.ui) != field) return false;
    if (!*typed) {
      c.type_text += text;
      *typed = true;
      return false;
    }
    return ui::debug::field_text(c.ui, field) == text;
  };
}

StepFn tap_next_field(int expect_focus) {
  auto tapped = std::make_shared<bool>(false);
  return [expect_focus, tapped](SceneContext& c) {
    if (ui::debug::focused_field(c.ui) == expect_focus) return true;
    if (!*tapped) {
      if (auto label = find_button(c, ui::tr("keyboard.next"))) *tapped = tap_button(c, *label);
    }
    return false;
  };
}

StepFn tap_claim_button() {
  return [](SceneContext& c) {
    const auto label = find_button(c, "✓ " + ui::tr("claim.claim"));
    return label && tap_button(c, *label);
  };
}

StepFn wait_connection(ui::Connection want) {
  return [want](SceneContext& c) { return c.view.connection == want; };
}

// Holds a finger on the clock until the PIN pad opens (the long press is 3 s).
StepFn long_press_clock() {
  auto pressed = std::make_shared<bool>(false);
  return [pressed](SceneContext& c) {
    const auto r = ui::debug::clock_rect(c.ui);
    if (!r) return false;
    if (!*pressed) {
      c.backend.synthetic_press(r->cx(), r->cy());
      *pressed = true;
      return false;
    }
    if (ui::debug::screen(c.ui) != ui::debug::Screen::PinPad) return false;
    c.backend.synthetic_release(r->cx(), r->cy());
    return true;
  };
}

StepFn type_pin(std::string pin) {
  auto next = std::make_shared<std::size_t>(0);
  return [pin, next](SceneContext& c) {
    if (c.backend.input_busy()) return false;  // one digit at a time
    if (*next < pin.size()) {
      if (tap_button(c, std::string(1, pin[*next]))) ++*next;
      return false;
    }
    if (auto unlock = find_button(c, ui::tr("staff.unlock"))) tap_button(c, *unlock);
    return true;
  };
}

StepFn tap_labelled(std::string part) {
  return [part](SceneContext& c) {
    const auto label = find_button(c, part);
    return label && tap_button(c, *label);
  };
}

// Taps the button labelled `label` `times` times, one tap at a time.
StepFn tap_times(std::string label, int times) {
  auto done = std::make_shared<int>(0);
  return [label, times, done](SceneContext& c) {
    if (c.backend.input_busy()) return false;
    if (*done >= times) return true;
    if (tap_button(c, label)) ++*done;
    return false;
  };
}

// Types `text` at the caret of the focused field and waits until the field reads `expect`.
StepFn type_at_caret(int field, std::string text, std::string expect) {
  auto typed = std::make_shared<bool>(false);
  return [field, text, expect, typed](SceneContext& c) {
    if (ui::debug::focused_field(c.ui) != field) return false;
    if (!*typed) {
      c.type_text += text;
      *typed = true;
      return false;
    }
    return ui::debug::field_text(c.ui, field) == expect;
  };
}

StepFn wait_fleet() {
  return [](SceneContext& c) { return !c.view.fleet.empty(); };
}

// Lets a few frames pass (layout settles, a dialog finishes opening).
StepFn settle(int frames) {
  auto left = std::make_shared<int>(frames);
  return [left](SceneContext& c) { return !c.backend.input_busy() && --*left <= 0; };
}

// Taps the claimed cell of the shown day with the most "I'll come" (the crowded one, if any)
// until `want` shows.
StepFn tap_most_wanted_cell(ui::debug::Screen want) {
  auto frames = std::make_shared<int>(0);
  return [want, frames](SceneContext& c) {
    if (ui::debug::screen(c.ui) == want) return true;
    if (c.backend.input_busy() || (*frames)-- > 0) return false;
    const Cell* best = nullptr;
    for (const Cell& cell : c.view.board.cells)
      if (cell.state == CellState::Claimed && (!best || cell.interest > best->interest) && ui::debug::cell_rect(c.ui, cell.key()))
        best = &cell;
    if (!best) return false;
    const auto r = ui::debug::cell_rect(c.ui, best->key());
    c.backend.synthetic_tap(r->cx(), r->cy());
    *frames = 6;
    return false;
  };
}

}  // namespace

// [SECTION] Scenes

bool Scene::known(const std::string& name) {
  return name == "claim" || name == "confirmation" || name == "offline" || name == "staff" || name == "lost" ||
         name == "edit" || name == "talks" || name == "schedule" || name == "online" || name == "lightning" ||
         name == "signup" || name == "tonight" || name == "session" || name == "crowded";
}

std::unique_ptr<Scene> Scene::make(const std::string& name, const std::string& staff_pin) {
  if (!known(name)) return nullptr;
  auto scene = std::make_unique<Scene>();
  auto add = [&](std::string step_name, StepFn step) { scene->steps_.push_back({std::move(step_name), std::move(step)}); };
  using S = ui::debug::Screen;
  auto fill_claim = [&] {
    add("tap an open cell of this room until the claim dialog opens", tap_open_cell_until_dialog());
    add("type the title", type_into(0, "Testing with hypothesis"));
    add("move to the name field", tap_next_field(1));
    add("type the name", type_into(1, "Łukasz"));
  };
  if (name == "claim") {
    fill_claim();
    add("settle", settle(3));
  } else if (name == "online") {
    // The board once the node has answered (no offline banner of the first frames), e.g. to compare
    // two starts pixel for pixel however slow the build.
    add("the node answers", wait_connection(ui::Connection::Online));
    add("settle", settle(3));
  } else if (name == "talks") {
    add("tap the first slot's talks line", tap_labelled("talks "));
    add("the talks list shows", wait_screen(S::Talks));
    add("settle", settle(3));
  } else if (name == "edit") {
    // A typo in the middle of a title, mended without deleting the rest.
    add("tap an open cell of this room until the claim dialog opens", tap_open_cell_until_dialog());
    add("type the title with a letter missing", type_into(0, "Testing wth hypothesis"));
    add("move the caret back with ◀", tap_times("◀", 13));
    add("type the missing letter", type_at_caret(0, "i", "Testing with hypothesis"));
    add("settle", settle(3));
  } else if (name == "confirmation") {
    fill_claim();
    add("tap Claim", tap_claim_button());
    add("confirmation shows", wait_screen(S::Confirmation));
    add("the node accepts the claim", [](SceneContext& c) { return !c.view.delivered.empty(); });
    add("settle", settle(3));
  } else if (name == "offline") {
    add("the kiosk notices the node is down", wait_connection(ui::Connection::Offline));
    fill_claim();
    add("tap Claim", tap_claim_button());
    add("saved-offline message shows", wait_screen(S::Confirmation));
    add("settle", settle(3));
  } else if (name == "staff") {
    add("long press on the clock", long_press_clock());
    add("type the PIN", type_pin(staff_pin));
    add("staff panel opens", wait_screen(S::StaffPanel));
    add("open the fleet tab", tap_labelled(ui::tr("staff.tab_fleet")));
    add("fleet arrives", wait_fleet());
    add("settle", settle(3));
  } else if (name == "schedule") {
    add("long press on the clock", long_press_clock());
    add("type the PIN", type_pin(staff_pin));
    add("staff panel opens", wait_screen(S::StaffPanel));
    add("open the schedule tab", tap_labelled(ui::tr("staff.tab_schedule")));
    add("the last import arrives", [](SceneContext& c) { return c.view.schedule.known && !c.view.staff_busy; });
    add("settle", settle(3));
  } else if (name == "lightning" || name == "signup") {
    add("the node answers", wait_connection(ui::Connection::Online));
    add("open the lightning talks tab", tap_labelled("tab lightning"));
    add("the sheet shows", wait_screen(S::Lightning));
    if (name == "signup") {
      add("tap Sign up", tap_labelled("sign up "));
      add("the sign-up dialog opens", wait_screen(S::ClaimDialog));
      add("type the title", type_into(0, "Ten years of open spaces"));
      add("move to the speaker field", tap_next_field(1));
      add("type the speaker", type_into(1, "Amara"));
    }
    add("settle", settle(3));
  } else if (name == "tonight") {
    add("the node answers", wait_connection(ui::Connection::Online));
    add("open the Tonight tab", tap_labelled("tab tonight"));
    add("the groups show", wait_screen(S::Tonight));
    add("settle", settle(3));
  } else if (name == "session") {
    add("the node answers", wait_connection(ui::Connection::Online));
    add("tap the session most people want to come to", tap_most_wanted_cell(S::Session));
    add("settle", settle(3));
  } else if (name == "crowded") {
    add("the node answers", wait_connection(ui::Connection::Online));
    add("long press on the clock", long_press_clock());
    add("type the PIN", type_pin(staff_pin));
    add("staff panel opens", wait_screen(S::StaffPanel));
    add("tap the crowded session", [](SceneContext& c) {
      if (!ui::debug::move_choices(c.ui).empty()) return true;
      if (c.backend.input_busy()) return false;
      for (const Cell& cell : c.view.board.cells) {
        if (cell.state != CellState::Claimed) continue;
        const Room* room = c.view.board.event.find_room(cell.room);
        if (!room || room->capacity <= 0 || cell.interest <= room->capacity) continue;
        if (const auto r = ui::debug::cell_rect(c.ui, cell.key())) {
          c.backend.synthetic_tap(r->cx(), r->cy());
          return false;
        }
      }
      return false;
    });
    add("settle", settle(3));
  } else if (name == "lost") {
    // A claim made on this board while it was behind the node: the cell was taken elsewhere.
    scene->before_sync_ = [](ReplicaStore& replica, const std::string& own_room) {
      if (!replica.has_board()) return;
      const Board b = replica.board();
      const auto now = VenueClock(b.event.timezone).now();
      // The earliest open cell of this room that has not ended yet.
      const Cell* target = nullptr;
      for (const auto& cell : b.cells) {
        if (cell.room != own_room || cell.state != CellState::Open) continue;
        const auto start = parse_hhmm(cell.start), end = parse_hhmm(cell.end);
        if (!start || !end || slot_phase(cell.day, *start, *end, now) == SlotPhase::Past) continue;
        if (!target || std::tie(cell.day, cell.start) < std::tie(target->day, target->start)) target = &cell;
      }
      if (!target) return;
      std::mt19937_64 rng{std::random_device{}()};
      Claim claim{"scene-" + std::to_string(rng() % 1000000000ULL), target->day, target->room, target->start,
                  "Property-based testing", "Юлия", ""};
      replica.enqueue_claim(claim);
    };
    add("the node refuses the claim", wait_screen(S::Lost));
    add("settle", settle(3));
  }
  return scene;
}

void Scene::before_sync(ReplicaStore& replica, const std::string& own_room) {
  if (before_sync_) before_sync_(replica, own_room);
}

bool Scene::step(SceneContext& ctx) {
  while (at_ < steps_.size()) {
    if (step_started_ == Clock::time_point{}) step_started_ = ctx.now;
    if (!steps_[at_].run(ctx)) return false;
    ++at_;
    step_started_ = {};
    // One action per frame: the UI needs a frame to react to each tap or typed text.
    if (ctx.backend.input_busy() || !ctx.type_text.empty()) return false;
  }
  return true;
}

std::string Scene::current_step() const { return at_ < steps_.size() ? steps_[at_].name : "done"; }

}  // namespace osb::kiosk
