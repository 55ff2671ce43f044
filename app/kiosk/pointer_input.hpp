// Open Space Board — PointerInput: turns finger and mouse events into one pointer per frame.
// ImGui 1.86 samples io.MousePos / io.MouseDown once per frame, so a tap whose press and release
// arrive between two frames would never be seen as a click. This queue applies at most one
// button change per frame (the release waits for the next frame), keeps a finger's position for
// one frame after it lifts (ImGui reports the click on that frame), and then moves the pointer
// off-screen so nothing stays hovered under a finger that has gone. Only one finger drives the
// pointer; other fingers are ignored (no multi-touch gestures on the board).
#pragma once
#include <cstdint>
#include <deque>

namespace osb::kiosk {

enum class PointerSource { Mouse, Touch };

struct PointerFrame {
  float x = 0, y = 0;
  bool down = false;
  bool present = false;  // false: the pointer is off-screen (no hover)
};

class PointerInput {
 public:
  // Coordinates are window pixels.
  void press(float x, float y, PointerSource source);
  void move(float x, float y, PointerSource source);
  void release(float x, float y, PointerSource source);

  // Finger events carry a finger id: only the first finger down drives the pointer.
  void finger_down(std::int64_t finger, float x, float y);
  void finger_motion(std::int64_t finger, float x, float y);
  void finger_up(std::int64_t finger, float x, float y);

  // Consumes the queued events for one frame and returns the pointer ImGui should see.
  PointerFrame next_frame();
  // True while queued events or the after-release frame still need frames to be drawn.
  bool busy() const { return !queue_.empty() || linger_frames_ > 0; }
  const PointerFrame& current() const { return state_; }

 private:
  enum class Kind { Press, Move, Release };
  struct Event {
    Kind kind;
    float x, y;
    PointerSource source;
  };
  std::deque<Event> queue_;
  PointerFrame state_;
  int linger_frames_ = 0;       // frames left before a lifted finger leaves the screen
  bool finger_active_ = false;  // a finger is down
  std::int64_t finger_ = 0;
};

}  // namespace osb::kiosk
