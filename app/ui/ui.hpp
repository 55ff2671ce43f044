// Open Space Board — the kiosk's screens: the public interface of app/ui.
// The kiosk main loop builds a KioskView each frame (from the replica, the sync status and the
// clock), calls draw_kiosk(), and applies the Intents it returns (write the claim to the outbox,
// call the node as staff, ...). The UI never touches SQLite, curl or SDL: it sees core types,
// keeps its own navigation state in UiState, and reports what the person asked for as Intents.
#pragma once
#include <chrono>
#include <optional>
#include <string>
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
  std::string id, last_seen, version;
  int outbox = 0;
  long long lag_ms = -1;
};

struct LostClaimView {  // a claim the node refused after it was made here
  Claim claim;
  Error error;  // "taken", "blocked", "past", "invalid", ...
};

struct KioskView {
  Mode mode = Mode::Room;
  std::string kiosk_id;
  std::string own_room;       // room id (room mode)
  std::string node_url;       // for QR codes: node_url + "/s/" + claim_id, node_url + "/"
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
  // Claims confirmed by the node since the dialog closed (claim_id), to show the confirmation.
  std::vector<std::string> delivered;
};

// [SECTION] What the person asked for

namespace intent {
struct SubmitClaim { Claim claim; };                   // write to the outbox (claim_id chosen by the UI)
struct AcknowledgeLost { std::string claim_id; };
struct StaffLogin { std::string pin; };
struct StaffLogout {};
struct ResetDay { std::string day; };
struct Block { CellKey key; std::string label; };
struct Unblock { CellKey key; };
struct RemoveClaim { std::string claim_id; };
struct Announce { std::string text; std::string until; };  // empty text clears
struct RefreshFleet {};
struct Activity {};  // any touch: resets idle timers in the main loop if it keeps any
}  // namespace intent

using Intent = std::variant<intent::SubmitClaim, intent::AcknowledgeLost, intent::StaffLogin, intent::StaffLogout,
                            intent::ResetDay, intent::Block, intent::Unblock, intent::RemoveClaim, intent::Announce,
                            intent::RefreshFleet, intent::Activity>;

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

}  // namespace osb::ui
