// Open Space Board — the kiosk's screens: the public interface of app/ui.
// The kiosk main loop builds a KioskView each frame (from the replica, the sync status and the
// clock), calls draw_kiosk(), and applies the Intents it returns (write the claim to the outbox,
// call the node as staff, ...). The UI never touches SQLite, curl or SDL: it sees core types,
// keeps its own navigation state in UiState, and reports what the person asked for as Intents.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/model.hpp"
#include "core/time.hpp"
#include "core/validate.hpp"

namespace osb::ui {

// [SECTION] What a frame shows

enum class Mode { Room, Hallway };
enum class Connection { Online, Reconnecting, Offline };

struct KioskInfo {  // one row of the staff fleet view (GET /api/v1/kiosks)
  std::string id;
  std::string last_seen;  // venue time as the kiosk shows it ("20:42:46", "Fri 11 20:42:46"); "" never
  std::string version;
  int outbox = 0;
  long long lag_ms = -1;
};

struct ScheduleView {  // the staff panel's Schedule tab (GET /api/v1/schedule)
  bool known = false;      // an answer arrived
  bool imported = false;   // the board has had an import
  std::string at;          // the last import, venue time as the kiosk shows it ("14:05", "Tue 3 14:05")
  std::string source;      // file name or URL it came from
  int talks = 0, added = 0, updated = 0, cancelled = 0;  // that import
  int scheduled = 0, cancelled_total = 0;                // the board's talks now
  bool reimportable() const { return source.rfind("http://", 0) == 0 || source.rfind("https://", 0) == 0; }
};

struct LostClaimView {  // a claim the node refused after it was made here
  Claim claim;
  Error error;  // "taken", "blocked", "past", "invalid", ...
};

// Something made here besides a claim that the node refused (a full sheet, a full group, ...).
struct LostActionView {
  std::string action_id;
  std::string kind;   // "signup", "group", "join", "interest"
  std::string title;  // the talk's or group's title ("" for join / interest)
  Error error;
};

struct KioskView {
  Mode mode = Mode::Room;
  std::string kiosk_id;
  std::string own_room;       // room id (room mode)
  std::string node_url;       // for QR codes: node_url + "/s/" + claim_id, node_url + "/"
  std::string node_in_use;    // the node the kiosk talks to now (staff panel, "This kiosk")
  std::vector<std::string> nodes;  // every node of its configuration, in order (several: §4.4)
  std::string version;
  bool has_board = false;     // false only before the very first sync of a new kiosk
  Board board;                // node state as last seen
  std::vector<Claim> pending; // outbox: made here, not yet accepted ("Sending…")
  std::vector<LostClaimView> lost;  // unacknowledged lost claims
  Connection connection = Connection::Offline;
  std::string offline_since;  // "HH:MM" venue time, when offline
  long long lag_ms = -1;      // age of the replica; -1 never synced
  LocalTime now;              // venue wall clock
  // Staff
  bool staff_session = false;     // a staff token is held
  std::string staff_message;      // last staff result or error, one sentence ("" none)
  bool staff_busy = false;        // a staff request is in flight
  std::vector<KioskInfo> fleet;
  ScheduleView schedule;
  // Claims confirmed by the node since the dialog closed (claim_id), to show the confirmation.
  std::vector<std::string> delivered;
  // Contract §4.3, made here and not yet accepted: sign-ups, groups, joins (group ids) and
  // "I'll come" taps (claim ids); and what the node refused of them.
  std::vector<LightningSignup> pending_signups;
  std::vector<Group> pending_groups;
  std::vector<std::string> pending_joins;
  std::vector<std::string> pending_interest;
  std::vector<LostActionView> lost_actions;
};

// [SECTION] What the person asked for

namespace intent {
struct SubmitClaim { Claim claim; };                   // write to the outbox (claim_id chosen by the UI)
struct AcknowledgeLost { std::string claim_id; };
struct StaffLogin { std::string pin; };        // the kiosk wipes `pin` once it has sent it
struct StaffCancelLogin {};  // the PIN pad stopped waiting: an answer still to come must not unlock
struct StaffLogout {};       // Lock, Escape or the staff idle time: end the session here and on the node
struct ResetDay { std::string day; };
struct Block { CellKey key; std::string label; };
struct Unblock { CellKey key; };
struct RemoveClaim { std::string claim_id; };
struct Announce { std::string text; std::string until; };  // empty text clears
struct RefreshFleet {};
struct RefreshSchedule {};
struct ReimportSchedule {};  // fetch the last import's URL again and import it
struct SubmitSignup { LightningSignup signup; };   // to the outbox (signup_id chosen by the UI)
struct SubmitGroup { Group group; };               // to the outbox (group_id chosen by the UI)
struct JoinGroup { std::string group_id; std::string join_id; };
struct Interest { std::string claim_id; std::string interest_id; };  // "I'll come"
struct AcknowledgeLostAction { std::string action_id; };
struct RemoveSignup { std::string signup_id; };    // staff
struct ReorderSheet { std::string day, start; std::vector<std::string> order; };  // staff
struct RemoveGroup { std::string group_id; };      // staff
struct MoveClaim { std::string claim_id; CellKey to; };  // staff
struct Activity {};  // any touch: resets idle timers in the main loop if it keeps any
}  // namespace intent

using Intent = std::variant<intent::SubmitClaim, intent::AcknowledgeLost, intent::StaffLogin, intent::StaffCancelLogin,
                            intent::StaffLogout,
                            intent::ResetDay, intent::Block, intent::Unblock, intent::RemoveClaim, intent::Announce,
                            intent::RefreshFleet, intent::RefreshSchedule, intent::ReimportSchedule,
                            intent::SubmitSignup, intent::SubmitGroup, intent::JoinGroup, intent::Interest,
                            intent::AcknowledgeLostAction, intent::RemoveSignup, intent::ReorderSheet,
                            intent::RemoveGroup, intent::MoveClaim, intent::Activity>;

// [SECTION] Navigation state, owned by the UI (dialogs, typed text, selected day, scroll...)

struct UiStateImpl;
struct UiState {
  UiState();
  ~UiState();
  UiState(UiState&&) noexcept;
  UiState& operator=(UiState&&) noexcept;
  UiStateImpl* impl;  // opaque; the tests may inspect it through debug accessors in ui.hpp
};

// [SECTION] Setup and drawing

struct UiConfig {
  float scale = 1.0f;
  std::string theme = "dark";
  int idle_timeout_s = 60;
  // Dimmed between these venue times ("HH:MM", the window may wrap midnight), on days that are not
  // event days, and after the day's last slot; any touch brings full brightness back.
  std::string night_start = "21:00";
  std::string night_end = "07:00";
  std::chrono::steady_clock::duration staff_idle = std::chrono::seconds(60);
};

// Loads fonts (Noto Sans with DejaVu Sans as fallback, Latin + Greek + Cyrillic, at the sizes the
// design asks for, scaled) into the current ImGui context and sets the theme. Call once after
// ImGui::CreateContext(), before the first frame. Returns false when no font file was found
// (the default ImGui font is used then).
bool setup_fonts_and_style(const UiConfig& config);

// Draws one frame between ImGui::NewFrame() and ImGui::Render(). `steady_now` drives timers
// (idle timeout, long presses, confirmation auto-close) so tests can control time.
std::vector<Intent> draw_kiosk(const KioskView& view, UiState& state, const UiConfig& config,
                               std::chrono::steady_clock::time_point steady_now);

// True while something animates or a timer runs (the main loop then keeps drawing frames).
bool wants_animation_frames(const UiState& state);

// [SECTION] Debug accessors (for the headless UI tests; they read what the last frame drew)

namespace debug {
struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
  float cx() const { return x + w / 2; }
  float cy() const { return y + h / 2; }
  bool contains(const Rect& o) const { return o.x >= x && o.y >= y && o.x + o.w <= x + w && o.y + o.h <= y + h; }
};
struct DrawnText {
  std::string text;  // the string actually drawn (shortened with "…" when it did not fit)
  Rect box;          // where it was drawn, measured with its font
};
enum class Screen { Board, ClaimDialog, Confirmation, Lost, PinPad, StaffPanel, Hallway, Talks, Lightning, Tonight, Session };
Screen screen(const UiState& state);
// Claim dialog: 0 title, 1 name, 2 description (-1 when no dialog is open).
int focused_field(const UiState& state);
std::string field_text(const UiState& state, int field);
int field_cursor(const UiState& state, int field);  // the caret, in code points from the start
// Where the caret of a text field ("field Title", ...) was drawn last frame, when it was.
std::optional<float> caret_x(const UiState& state, std::string_view field_id);
std::string field_error(const UiState& state, int field);  // "" when none is shown
bool claim_enabled(const UiState& state);
std::string claim_disabled_reason(const UiState& state);
bool keyboard_visible(const UiState& state);
// Any button drawn last frame, by its label ("✓ Claim", "Cancel", key "e", "⌫", "Next ▸", ...).
std::optional<Rect> button_rect(const UiState& state, std::string_view label);
bool button_enabled(const UiState& state, std::string_view label);
std::vector<std::string> button_labels(const UiState& state);
std::optional<Rect> cell_rect(const UiState& state, const CellKey& key);
std::string cell_caption(const UiState& state, const CellKey& key);  // "Tap to claim", "Sending…", ...
std::vector<DrawnText> cell_texts(const UiState& state, const CellKey& key);
std::optional<Rect> clock_rect(const UiState& state);
std::string dialog_title(const UiState& state);
std::string message(const UiState& state);  // the sentence of a confirmation or lost dialog
std::string status_line(const UiState& state);     // the connection words in the status bar
std::string offline_banner(const UiState& state);  // the offline banner's lines joined ("" when none)
std::string selected_day(const UiState& state);
float scroll_x(const UiState& state);
float scroll_y(const UiState& state);
Rect grid_viewport(const UiState& state);           // where the board's cells are drawn
std::string earlier_label(const UiState& state);    // "▾ Earlier today · 3 sessions" ("" when none)
std::vector<std::string> edge_notes(const UiState& state);  // "2 more rooms ▸", "4 more slots ▾", ...
bool dimmed(const UiState& state);
std::vector<std::string> hallway_now(const UiState& state);   // "Title · by Host · Room A · ends in 12 min"
std::vector<std::string> hallway_next(const UiState& state);
std::vector<std::string> hallway_open(const UiState& state);  // "Room B 16:00", ...
// Scheduled talks: the line drawn under a slot of the board ("Talks now: Async IO · Hall 1, +2 more"),
// by "YYYY-MM-DD HH:MM" ("" when none); the open talks list's lines ("Title · 14:00–14:45 · Hall 1 ·
// Ana · cancelled"); the claim dialog's clash line; the confirmation's backchannel tag.
std::string talks_line(const UiState& state, const std::string& day, const std::string& start);
std::vector<std::string> talks_list(const UiState& state);
std::string clash_line(const UiState& state);
std::string session_tag(const UiState& state);
// Contract §4.3: the lightning tab's lines ("1 · Title — Speaker", "4 · free"), its status words
// ("3 places left", "Full", "Closed"); the Tonight tab's lines ("19:30 · Dinner · … · 5 of 8");
// the session detail's interest words ("12 coming"); a cell's move note.
std::vector<std::string> lightning_lines(const UiState& state);
std::string lightning_status(const UiState& state);
std::vector<std::string> tonight_lines(const UiState& state);
std::string interest_words(const UiState& state);
// Which form the dialog is: "claim", "signup", "group" ("" when none is open).
std::string form(const UiState& state);
// The staff panel's move choices for the selected cell ("Room F · 120 seats"), larger rooms first.
std::vector<std::string> move_choices(const UiState& state);
// The staff panel's "This kiosk" tab as drawn, one "Label: value" per line (empty when not shown).
std::vector<std::string> this_kiosk_lines(const UiState& state);
}  // namespace debug

}  // namespace osb::ui
