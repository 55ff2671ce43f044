// Open Space Board — the kiosk program's UI thread.
// [SECTION] Board cache and the frame's view
// [SECTION] Intents
// [SECTION] Screenshot and watchdog
// [SECTION] Main loop
#include "kiosk/kiosk_app.hpp"

#include <imgui.h>
#include <openssl/crypto.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>
#include <thread>

#include "core/time.hpp"
#include "kiosk/run_queue.hpp"
#include "kiosk/scene.hpp"
#include "kiosk/sdl_backend.hpp"
#include "kiosk/staff_client.hpp"
#include "sync/sync_worker.hpp"
#include "store/replica_store.hpp"
#include "ui/fonts.hpp"
#include "ui/text.hpp"
#include "ui/ui.hpp"

namespace osb::kiosk {

namespace {

using Steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Frames drawn after any input: ImGui reports a click on the frame after the release.
constexpr int kFramesAfterInput = 3;
// While only an animation or a UI timer runs, frames come at most this often.
constexpr auto kAnimationInterval = 50ms;
// With --frames the loop draws continuously, at most this often.
constexpr auto kContinuousInterval = 16ms;
// --screenshot waits this long for the first sync before it shows the replica as it is.
constexpr auto kFirstSyncGrace = 3s;
// A --scene that has not finished by then is reported and the kiosk exits with an error.
constexpr auto kSceneDeadline = 30s;
// The built font atlas, kept next to the replica and named after it (var/room-a.db ->
// var/room-a.font-atlas), so kiosks sharing a folder at other scales keep one each.
constexpr const char* kFontCacheExtension = ".font-atlas";

ui::Connection to_ui(ConnectionState s) {
  switch (s) {
    case ConnectionState::Online: return ui::Connection::Online;
    case ConnectionState::Reconnecting: return ui::Connection::Reconnecting;
    case ConnectionState::Offline: return ui::Connection::Offline;
  }
  return ui::Connection::Offline;
}

bool never(std::chrono::system_clock::time_point t) { return t.time_since_epoch().count() == 0; }

// CPU time of the calling thread, in milliseconds: what one frame costs the UI thread.
double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

class Kiosk {
 public:
  Kiosk(const KioskOptions& options, const KioskConfig& config)
      : options_(options),
        config_(config),
        started_(options.started != Steady::time_point{} ? options.started : Steady::now()) {}

  int run(const std::function<bool()>& stop_requested, const WakeHook& set_wake);

 private:
  // [SECTION] Board cache and the frame's view
  void refresh_from_replica();
  void update_clock();
  void build_view();
  std::string describe_cell(const CellKey& key) const;

  // [SECTION] Intents
  void apply(const ui::Intent& intent);
  void enqueue(const PendingAction& a, const std::string& title);

  // [SECTION] Screenshot and watchdog
  bool screenshot_due(Steady::time_point now);
  bool take_screenshot();
  void watchdog(bool first_frame_done);

  // [SECTION] Main loop
  void draw_frame(Steady::time_point now);
  void print_frame_costs() const;
  void print_startup() const;
  int next_timeout_ms(Steady::time_point now) const;

  const KioskOptions& options_;
  const KioskConfig& config_;
  Steady::time_point started_;

  std::unique_ptr<ImFontAtlas> fonts_;  // shared with the ImGui context: outlives the Backend
  std::unique_ptr<Backend> backend_;
  std::unique_ptr<RunQueue> queue_;
  std::unique_ptr<ReplicaStore> replica_;
  std::unique_ptr<SyncWorker> sync_;
  std::unique_ptr<StaffClient> staff_;
  std::unique_ptr<Scene> scene_;

  ui::UiConfig ui_config_;
  ui::UiState ui_state_;
  ui::KioskView view_;
  VenueClock clock_;
  std::string clock_zone_ = "\x01";  // forces the first build
  SyncStatus status_;

  bool board_dirty_ = true;    // re-read the replica before the next frame
  bool first_sync_seen_ = false;
  std::set<std::string> awaiting_;  // claim ids made here and not yet delivered or lost
  std::vector<ui::LostActionView> refused_actions_here_;  // actions the replica refused at once
  std::vector<ui::LostClaimView> refused_here_;  // claims the replica refused at once

  int draw_frames_ = 2;  // frames still to draw
  long frames_drawn_ = 0;
  int last_minute_ = -1;
  Steady::time_point last_frame_{};
  Steady::time_point ready_at_{};  // the screen shows what --screenshot waits for
  bool screenshot_taken_ = false;
  bool screenshot_failed_ = false;
  bool scene_done_ = false;
  std::string type_text_;
  bool printed_first_board_ = false;
  struct Startup {  // this class's start-up steps (ms), printed with the Backend's after the first frame
    double before = 0;  // main() until run(): arguments and the config file
    bool fonts_cached = false;
    double fonts = 0, fonts_waited = 0, replica = 0, clients = 0;
  } startup_;
  bool notify_ = false;
  Steady::time_point last_watchdog_{};
  Steady::duration watchdog_every_ = 0s;
  std::vector<float> frame_cpu_ms_;  // UI-thread CPU of each frame (benchmarks read the summary)
  double split_ms_[3] = {0, 0, 0};   // summed: view + ImGui draw lists, rasterising, presenting
};

// [SECTION] Board cache and the frame's view

// The replica is read only after the sync worker or an enqueue changed it, not every frame.
void Kiosk::refresh_from_replica() {
  if (!board_dirty_) return;
  board_dirty_ = false;
  view_.has_board = replica_->has_board();
  if (view_.has_board) view_.board = replica_->board();
  view_.pending.clear();
  std::set<std::string> in_outbox;
  for (auto& p : replica_->outbox()) {
    in_outbox.insert(p.claim.claim_id);
    view_.pending.push_back(std::move(p.claim));
  }
  view_.lost.clear();
  std::set<std::string> lost_ids;
  for (auto& l : replica_->lost_claims(true)) {
    lost_ids.insert(l.claim.claim_id);
    view_.lost.push_back({std::move(l.claim), std::move(l.error)});
  }
  for (const auto& r : refused_here_) view_.lost.push_back(r);
  view_.pending_signups.clear();
  view_.pending_groups.clear();
  view_.pending_joins.clear();
  view_.pending_interest.clear();
  for (auto& a : replica_->actions()) {
    switch (a.kind) {
      case ActionKind::Signup: view_.pending_signups.push_back(std::move(a.signup)); break;
      case ActionKind::Group: view_.pending_groups.push_back(std::move(a.group)); break;
      case ActionKind::Join: view_.pending_joins.push_back(std::move(a.target)); break;
      case ActionKind::Interest: view_.pending_interest.push_back(std::move(a.target)); break;
    }
  }
  view_.lost_actions.clear();
  for (auto& l : replica_->lost_actions(true)) {
    ui::LostActionView lv;
    lv.action_id = l.action.action_id;
    lv.kind = to_string(l.action.kind);
    lv.error = std::move(l.error);
    if (l.action.kind == ActionKind::Signup) lv.title = l.action.signup.title;
    if (l.action.kind == ActionKind::Group) lv.title = l.action.group.title;
    if (l.action.kind == ActionKind::Join)
      for (const Group& g : view_.board.groups)
        if (g.group_id == l.action.target) lv.title = g.title;
    view_.lost_actions.push_back(std::move(lv));
  }
  for (const auto& r : refused_actions_here_) view_.lost_actions.push_back(r);
  // A claim made here that left the outbox without being lost was accepted by the node.
  for (auto it = awaiting_.begin(); it != awaiting_.end();) {
    if (in_outbox.count(*it)) {
      ++it;
      continue;
    }
    if (!lost_ids.count(*it)) {
      view_.delivered.push_back(*it);
      if (view_.delivered.size() > 16) view_.delivered.erase(view_.delivered.begin());
    }
    it = awaiting_.erase(it);
  }
  update_clock();
}

void Kiosk::update_clock() {
  const std::string zone = view_.has_board ? view_.board.event.timezone : "";
  if (zone == clock_zone_) return;
  clock_zone_ = zone;
  try {
    clock_ = VenueClock(zone);
  } catch (const std::exception&) {
    std::fprintf(stderr, "openspace-kiosk: unknown time zone \"%s\"; showing this machine's local time\n", zone.c_str());
    clock_ = VenueClock("");
  }
}

void Kiosk::build_view() {
  refresh_from_replica();
  // With several nodes (contract §4.4) the QR codes name the node this kiosk reaches now: they
  // all serve the same board, and the first one may be the machine that died.
  if (!status_.node_url.empty()) view_.node_in_use = view_.node_url = status_.node_url;
  view_.connection = to_ui(status_.state);
  view_.offline_since.clear();
  if (status_.state == ConnectionState::Offline && !never(status_.offline_since))
    view_.offline_since = format_hhmm(clock_.local(status_.offline_since).minute);
  // Age of the replica, counted now rather than when the worker last reported.
  view_.lag_ms = -1;
  if (!never(status_.last_sync)) {
    view_.lag_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now() - status_.last_sync).count();
  } else if (const std::int64_t ms = view_.has_board ? replica_->last_sync_ms() : 0; ms > 0) {
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    view_.lag_ms = now_ms - ms;
  }
  view_.now = clock_.now();
  const StaffState& staff = staff_->state();
  view_.staff_session = !staff.token.empty();
  view_.staff_message = staff.message;
  view_.staff_busy = staff.busy;
  view_.fleet = staff.fleet;
  // The node reports UTC; staff read venue time, like every other time on the board.
  for (ui::KioskInfo& k : view_.fleet) k.last_seen = venue_time_words(clock_, k.last_seen, view_.now.day);
  view_.schedule = staff.schedule;
  if (!view_.schedule.at.empty()) view_.schedule.at = venue_time_words(clock_, view_.schedule.at, view_.now.day);
}

std::string Kiosk::describe_cell(const CellKey& key) const {
  const Room* room = view_.board.event.find_room(key.room);
  return (room ? room->name : ui::tr("common.room", {{"room", key.room}})) + ", " + ui::day_short(key.day) + " " + key.start;
}

// [SECTION] Intents

void Kiosk::apply(const ui::Intent& intent) {
  std::visit(
      [this](const auto& i) {
        using T = std::decay_t<decltype(i)>;
        if constexpr (std::is_same_v<T, ui::intent::SubmitClaim>) {
          if (auto error = replica_->enqueue_claim(i.claim)) {
            // The replica already knows better (taken, blocked, ...): say so like a lost claim.
            refused_here_.push_back({i.claim, *error});
          } else {
            awaiting_.insert(i.claim.claim_id);
            sync_->kick();
          }
          board_dirty_ = true;
        } else if constexpr (std::is_same_v<T, ui::intent::AcknowledgeLost>) {
          std::erase_if(refused_here_, [&](const ui::LostClaimView& l) { return l.claim.claim_id == i.claim_id; });
          replica_->acknowledge_lost(i.claim_id);
          board_dirty_ = true;
        } else if constexpr (std::is_same_v<T, ui::intent::StaffLogin>) {
          staff_->login(i.pin);
        } else if constexpr (std::is_same_v<T, ui::intent::StaffCancelLogin>) {
          staff_->cancel_login();
        } else if constexpr (std::is_same_v<T, ui::intent::StaffLogout>) {
          staff_->logout();
        } else if constexpr (std::is_same_v<T, ui::intent::ResetDay>) {
          staff_->reset_day(i.day, ui::day_long(i.day));
        } else if constexpr (std::is_same_v<T, ui::intent::Block>) {
          staff_->block(i.key, i.label, describe_cell(i.key));
        } else if constexpr (std::is_same_v<T, ui::intent::Unblock>) {
          staff_->unblock(i.key, describe_cell(i.key));
        } else if constexpr (std::is_same_v<T, ui::intent::RemoveClaim>) {
          std::string what = ui::tr("staff_result.the_session");
          for (const auto& c : view_.board.cells)
            if (c.claim_id == i.claim_id) what = ui::tr("staff_result.session_named", {{"title", c.title}, {"cell", describe_cell(c.key())}});
          staff_->remove_claim(i.claim_id, what);
        } else if constexpr (std::is_same_v<T, ui::intent::Announce>) {
          staff_->announce(i.text, i.until);
        } else if constexpr (std::is_same_v<T, ui::intent::RefreshSchedule>) {
          staff_->refresh_schedule();
        } else if constexpr (std::is_same_v<T, ui::intent::ReimportSchedule>) {
          staff_->reimport_schedule();
        } else if constexpr (std::is_same_v<T, ui::intent::RefreshFleet>) {
          staff_->refresh_fleet();
        } else if constexpr (std::is_same_v<T, ui::intent::SubmitSignup>) {
          PendingAction a;
          a.kind = ActionKind::Signup;
          a.action_id = i.signup.signup_id;
          a.signup = i.signup;
          enqueue(a, i.signup.title);
        } else if constexpr (std::is_same_v<T, ui::intent::SubmitGroup>) {
          PendingAction a;
          a.kind = ActionKind::Group;
          a.action_id = i.group.group_id;
          a.group = i.group;
          enqueue(a, i.group.title);
        } else if constexpr (std::is_same_v<T, ui::intent::JoinGroup>) {
          PendingAction a;
          a.kind = ActionKind::Join;
          a.action_id = i.join_id;
          a.target = i.group_id;
          std::string title;
          for (const Group& g : view_.board.groups)
            if (g.group_id == i.group_id) title = g.title;
          enqueue(a, title);
        } else if constexpr (std::is_same_v<T, ui::intent::Interest>) {
          PendingAction a;
          a.kind = ActionKind::Interest;
          a.action_id = i.interest_id;
          a.target = i.claim_id;
          enqueue(a, "");
        } else if constexpr (std::is_same_v<T, ui::intent::AcknowledgeLostAction>) {
          std::erase_if(refused_actions_here_, [&](const ui::LostActionView& l) { return l.action_id == i.action_id; });
          replica_->acknowledge_lost_action(i.action_id);
          board_dirty_ = true;
        } else if constexpr (std::is_same_v<T, ui::intent::RemoveSignup>) {
          std::string what = ui::tr("staff_result.the_session");
          for (const Sheet& sh : view_.board.lightning)
            for (const LightningSignup& x : sh.signups)
              if (x.signup_id == i.signup_id) what = "“" + x.title + "”";
          staff_->remove_signup(i.signup_id, what);
        } else if constexpr (std::is_same_v<T, ui::intent::ReorderSheet>) {
          staff_->reorder_sheet(i.day, i.start, i.order);
        } else if constexpr (std::is_same_v<T, ui::intent::RemoveGroup>) {
          std::string what = ui::tr("staff_result.the_session");
          for (const Group& g : view_.board.groups)
            if (g.group_id == i.group_id) what = "“" + g.title + "”";
          staff_->remove_group(i.group_id, what);
        } else if constexpr (std::is_same_v<T, ui::intent::MoveClaim>) {
          std::string what = ui::tr("staff_result.the_session");
          for (const auto& c : view_.board.cells)
            if (c.claim_id == i.claim_id && c.state == CellState::Claimed) what = "“" + c.title + "”";
          const Room* room = view_.board.event.find_room(i.to.room);
          staff_->move_claim(i.claim_id, i.to, what, room ? room->name : i.to.room);
        } else if constexpr (std::is_same_v<T, ui::intent::Activity>) {
          // The UI keeps its own idle timers; nothing to do here.
        }
      },
      intent);
  draw_frames_ = std::max(draw_frames_, 1);
}

// A sign-up, group, join or "I'll come" into the outbox; refused at once when the replica knows
// better (a full sheet), said like a lost one.
void Kiosk::enqueue(const PendingAction& a, const std::string& title) {
  if (auto error = replica_->enqueue_action(a)) {
    ui::LostActionView lv;
    lv.action_id = a.action_id;
    lv.kind = to_string(a.kind);
    lv.title = title;
    lv.error = *error;
    refused_actions_here_.push_back(std::move(lv));
  } else {
    sync_->kick();
  }
  board_dirty_ = true;
}

// [SECTION] Screenshot and watchdog

// True when the frame about to be drawn is the one --screenshot (and --scene) wait for: the
// board after the first successful sync, or the replica (or the waiting screen) once the node
// has had kFirstSyncGrace to answer.
bool Kiosk::screenshot_due(Steady::time_point now) {
  if (ready_at_ == Steady::time_point{}) {
    if (first_sync_seen_ && !board_dirty_) ready_at_ = now;
    else if (now - started_ >= kFirstSyncGrace) ready_at_ = now;
  }
  if (ready_at_ == Steady::time_point{}) return false;
  if (scene_ && !scene_done_) return false;
  return !screenshot_taken_ && !options_.screenshot.empty();
}

bool Kiosk::take_screenshot() {
  auto image = backend_->read_pixels();
  if (!image) {
    std::fprintf(stderr, "openspace-kiosk: could not read the screen back for the screenshot\n");
    return false;
  }
  const RgbImage out = options_.shrink > 0 ? downscale(*image, options_.shrink) : std::move(*image);
  if (auto error = write_png(options_.screenshot, out)) {
    std::fprintf(stderr, "openspace-kiosk: %s\n", error->c_str());
    return false;
  }
  std::fprintf(stderr, "openspace-kiosk: screenshot %dx%d written to %s\n", out.width, out.height,
               options_.screenshot.c_str());
  return true;
}

// systemd: READY=1 after the first frame, then WATCHDOG=1 from the loop while it turns.
void Kiosk::watchdog(bool first_frame_done) {
  if (!notify_ || !first_frame_done) return;
  const auto now = Steady::now();
  if (last_watchdog_ == Steady::time_point{}) {
    sd_notify(0, "READY=1\nSTATUS=showing the board");
    last_watchdog_ = now;
  }
  if (watchdog_every_ > 0s && now - last_watchdog_ >= watchdog_every_) {
    sd_notify(0, "WATCHDOG=1");
    last_watchdog_ = now;
  }
}

// [SECTION] Main loop

void Kiosk::draw_frame(Steady::time_point now) {
  const double cpu_before = thread_cpu_ms();
  build_view();
  if (!type_text_.empty()) {
    ImGui::GetIO().AddInputCharactersUTF8(type_text_.c_str());
    type_text_.clear();
  }
  const bool due = screenshot_due(now);
  backend_->new_frame();
  std::vector<ui::Intent> intents = ui::draw_kiosk(view_, ui_state_, ui_config_, now);
  const double cpu_ui = thread_cpu_ms();
  backend_->render();
  const double cpu_raster = thread_cpu_ms();
  if (due) {
    screenshot_taken_ = true;
    screenshot_failed_ = !take_screenshot();
  }
  const double cpu_before_present = thread_cpu_ms();
  backend_->present();
  const double cpu_after = thread_cpu_ms();
  split_ms_[0] += cpu_ui - cpu_before;
  split_ms_[1] += cpu_raster - cpu_ui;
  split_ms_[2] += cpu_after - cpu_before_present;
  if (frame_cpu_ms_.size() < 1'000'000) frame_cpu_ms_.push_back(static_cast<float>(thread_cpu_ms() - cpu_before));
  ++frames_drawn_;
  last_frame_ = now;
  last_minute_ = view_.now.minute;
  if (frames_drawn_ == 1) print_startup();
  if (view_.has_board && !printed_first_board_) {
    printed_first_board_ = true;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - started_).count();
    std::fprintf(stderr, "openspace-kiosk: first board frame after %lld ms\n", static_cast<long long>(ms));
  }
  for (const auto& intent : intents) apply(intent);
  // The PIN has been handed to the staff client: overwrite this copy of it.
  for (auto& intent : intents)
    if (auto* login = std::get_if<ui::intent::StaffLogin>(&intent); login && !login->pin.empty()) {
      OPENSSL_cleanse(login->pin.data(), login->pin.size());
      login->pin.clear();
    }
  if (scene_ && !scene_done_ && ready_at_ != Steady::time_point{}) {
    SceneContext ctx{view_, ui_state_, *backend_, type_text_, now};
    scene_done_ = scene_->step(ctx);
  }
}

// One line after the first frame: where start-up went, in the order it happened (the fonts on
// their own thread while SDL started and the window opened). The benchmark reads it.
void Kiosk::print_startup() const {
  const StartupTimes b = backend_->startup_times();
  std::fprintf(stderr,
               "openspace-kiosk: start-up: before the kiosk %.0f ms, SDL %.0f ms, window %.0f ms, fonts %s %.0f ms "
               "on their own thread (waited for %.0f ms after the window), ImGui %.0f ms, replica %.0f ms, sync "
               "and staff clients %.0f ms, font atlas %dx%d to the renderer %.0f ms, first frame drawn %.0f ms, "
               "presented %.0f ms; %lld ms since main()\n",
               startup_.before, b.sdl_ms, b.window_ms, startup_.fonts_cached ? "from the cache" : "built",
               startup_.fonts, startup_.fonts_waited, b.imgui_ms, startup_.replica, startup_.clients, b.atlas_w,
               b.atlas_h, b.atlas_ms, b.drawn_ms, b.presented_ms,
               static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - started_).count()));
}

// One line at exit: what the frames cost (the first one, which builds the font atlas, apart).
void Kiosk::print_frame_costs() const {
  if (frame_cpu_ms_.size() < 2) return;
  std::vector<float> rest(frame_cpu_ms_.begin() + 1, frame_cpu_ms_.end());
  std::sort(rest.begin(), rest.end());
  double sum = 0;
  for (float v : rest) sum += v;
  std::fprintf(stderr, "openspace-kiosk: %zu frames; UI thread CPU per frame: first %.1f ms, then mean %.2f ms, median %.2f ms, p95 %.2f ms, max %.2f ms\n",
               frame_cpu_ms_.size(), frame_cpu_ms_[0], sum / static_cast<double>(rest.size()), rest[rest.size() / 2],
               rest[rest.size() * 95 / 100], rest.back());
  const double n = static_cast<double>(frame_cpu_ms_.size());
  std::fprintf(stderr, "openspace-kiosk: per frame on average: view and ImGui %.2f ms, rasterising %.2f ms, presenting %.2f ms\n",
               split_ms_[0] / n, split_ms_[1] / n, split_ms_[2] / n);
}

int Kiosk::next_timeout_ms(Steady::time_point now) const {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  auto since_frame = now - last_frame_;
  if (draw_frames_ > 0 || backend_->input_busy() || !type_text_.empty()) return 0;
  const bool continuous = options_.frames >= 0 || (scene_ && !scene_done_) ||
                          (!options_.screenshot.empty() && !screenshot_taken_);
  if (continuous) return static_cast<int>(std::max<long long>(0, duration_cast<milliseconds>(kContinuousInterval - since_frame).count()));
  if (ui::wants_animation_frames(ui_state_))
    return static_cast<int>(std::max<long long>(1, duration_cast<milliseconds>(kAnimationInterval - since_frame).count()));
  // Idle: wake for the next minute on the clock (the board marks "now" and past slots).
  long long ms = (60 - view_.now.second) * 1000LL + 50;
  if (watchdog_every_ > 0s) ms = std::min<long long>(ms, duration_cast<milliseconds>(watchdog_every_).count());
  return static_cast<int>(std::max<long long>(ms, 1));
}

int Kiosk::run(const std::function<bool()>& stop_requested, const WakeHook& set_wake) {
  // Start-up: the fonts on a thread (read from their cache, or built) while SDL starts and the
  // window opens (a config that cannot show anything fails fast); then ImGui on those fonts, the
  // replica, and the first frame. Anything that can wait until the board is on screen does.
  const Steady::time_point t_run = Steady::now();
  const auto ms = [](Steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  std::error_code ec;
  const std::filesystem::path state_dir = std::filesystem::path(config_.replica).parent_path();
  std::filesystem::create_directories(state_dir, ec);
  fonts_ = std::make_unique<ImFontAtlas>();
  ui::FontLoad font_load;
  Steady::duration font_time{};
  std::jthread font_thread([&, cache = std::filesystem::path(config_.replica).replace_extension(kFontCacheExtension).string()] {
    const Steady::time_point t0 = Steady::now();
    font_load = ui::load_fonts(*fonts_, config_.scale, cache);
    font_time = Steady::now() - t0;
  });

  BackendOptions bo;
  bo.fullscreen = config_.fullscreen && options_.window_w == 0;
  if (options_.window_w > 0) {
    bo.width = options_.window_w;
    bo.height = options_.window_h;
  }
  const RendererChoice choice = choose_renderer(config_.renderer, probe_render_facts());
  bo.renderer = choice.kind;
  bo.title = "Open Space Board — " + config_.id;
  backend_ = std::make_unique<Backend>(bo);
  const Steady::time_point t_window = Steady::now();
  font_thread.join();  // ImGui may not allocate on two threads at once: no context until the fonts are done
  const Steady::time_point t_fonts = Steady::now();
  backend_->start_ui(*fonts_);
  std::fprintf(stderr, "openspace-kiosk: %s renderer (%s), %dx%d\n", backend_->renderer_name().c_str(),
               choice.reason.c_str(), backend_->width(), backend_->height());
  if (!font_load.fonts_found)
    std::fprintf(stderr, "openspace-kiosk: no Noto Sans or DejaVu Sans font found; using ImGui's built-in font\n");
  else if (!font_load.from_cache)
    std::fprintf(stderr, "openspace-kiosk: fonts built rather than read from the font cache: %s\n",
                 font_load.not_cached.c_str());
  if (!font_load.write_error.empty())
    std::fprintf(stderr, "openspace-kiosk: %s; the next start builds the fonts again\n", font_load.write_error.c_str());
  queue_ = std::make_unique<RunQueue>([b = backend_.get()] { b->wake(); });
  set_wake([b = backend_.get()] { b->wake(); });

  ui_config_.scale = config_.scale;
  ui_config_.theme = config_.theme;
  ui_config_.idle_timeout_s = config_.idle_timeout_s;
  ui_config_.night_start = config_.night_start;
  ui_config_.night_end = config_.night_end;
  ui::setup_style(ui_config_);

  const Steady::time_point t_replica = Steady::now();
  replica_ = std::make_unique<ReplicaStore>(config_.replica);

  view_.mode = config_.mode == KioskMode::Hallway ? ui::Mode::Hallway : ui::Mode::Room;
  view_.kiosk_id = config_.id;
  view_.own_room = config_.room;
  view_.node_url = config_.node_url;
  view_.node_in_use = config_.node_url;
  view_.nodes = config_.nodes;
  view_.version = OPENSPACE_VERSION;
  refresh_from_replica();  // offline-first: the last known board is on screen at once
  const Steady::time_point t_replica_done = Steady::now();

  if (!options_.scene.empty()) {
    scene_ = Scene::make(options_.scene, options_.staff_pin);
    scene_->before_sync(*replica_, config_.room);
    board_dirty_ = true;
  }

  HttpOptions staff_http;
  staff_http.ca_file = config_.ca_file;
  staff_http.headers["X-Kiosk-Version"] = OPENSPACE_VERSION;
  staff_ = std::make_unique<StaffClient>(config_.node_url, staff_http, *queue_, [this] {
    board_dirty_ = true;
    if (sync_) sync_->kick();
  });

  SyncOptions so;
  so.node_url = config_.node_url;
  so.nodes = config_.nodes;
  so.token = config_.token;
  so.kiosk_id = config_.id;
  so.replica_path = config_.replica;
  so.ca_file = config_.ca_file;
  sync_ = std::make_unique<SyncWorker>(so, [q = queue_.get(), this](SyncEvent ev) {
    // Sync thread: only hand the news over; the UI thread reads the replica itself.
    q->push([this, ev] {
      status_ = sync_->status();
      staff_->set_node_url(status_.node_url);  // staff requests follow the node in use
      if (ev != SyncEvent::StatusChanged) board_dirty_ = true;
      if (!first_sync_seen_ && !never(status_.last_sync)) {
        first_sync_seen_ = true;
        board_dirty_ = true;
      }
    });
  });
  status_ = sync_->status();
  sync_->start();
  startup_ = {ms(t_run - started_), font_load.from_cache, ms(font_time), ms(t_fonts - t_window),
              ms(t_replica_done - t_replica), ms(Steady::now() - t_replica_done)};

  notify_ = std::getenv("NOTIFY_SOCKET") != nullptr;
  if (std::uint64_t usec = 0; notify_ && sd_watchdog_enabled(0, &usec) > 0)
    watchdog_every_ = std::chrono::microseconds(usec / 3);

  int code = 0;
  while (!stop_requested()) {
    const Steady::time_point before = Steady::now();
    const Pumped p = backend_->pump(next_timeout_ms(before));
    if (p.quit) break;
    if (queue_->run() > 0) draw_frames_ = std::max(draw_frames_, 1);
    if (p.input || p.exposed) draw_frames_ = std::max(draw_frames_, kFramesAfterInput);
    const Steady::time_point now = Steady::now();

    bool draw = draw_frames_ > 0 || backend_->input_busy() || !type_text_.empty();
    if (!draw && options_.frames >= 0) draw = now - last_frame_ >= kContinuousInterval;
    if (!draw && ((scene_ && !scene_done_) || (!options_.screenshot.empty() && !screenshot_taken_)))
      draw = now - last_frame_ >= kContinuousInterval;
    if (!draw && ui::wants_animation_frames(ui_state_)) draw = now - last_frame_ >= kAnimationInterval;
    if (!draw && clock_.now().minute != last_minute_) draw = true;
    if (draw) {
      draw_frame(now);
      if (draw_frames_ > 0) --draw_frames_;
    }
    watchdog(frames_drawn_ > 0);

    if (scene_ && !scene_done_ && ready_at_ != Steady::time_point{} && now - ready_at_ > kSceneDeadline) {
      std::fprintf(stderr, "openspace-kiosk: --scene %s did not get past \"%s\"\n", options_.scene.c_str(),
                   scene_->current_step().c_str());
      code = 1;
      break;
    }
    if (screenshot_failed_) {
      code = 1;
      break;
    }
    const bool screenshot_pending = !options_.screenshot.empty() && !screenshot_taken_;
    if (options_.frames >= 0 && frames_drawn_ >= options_.frames && !screenshot_pending) break;
  }

  print_frame_costs();
  // Shutdown: no more work from other threads, then close the replica.
  if (notify_) sd_notify(0, "STOPPING=1");
  set_wake([] {});
  staff_->stop();
  sync_->stop();
  sync_.reset();
  staff_.reset();
  replica_.reset();
  return code;
}

}  // namespace

bool is_known_scene(const std::string& name) { return Scene::known(name); }

int run_kiosk(const KioskOptions& options, const KioskConfig& config, const std::function<bool()>& stop_requested,
              const WakeHook& set_wake) {
  Kiosk kiosk(options, config);
  return kiosk.run(stop_requested, set_wake);
}

}  // namespace osb::kiosk
