#include "kiosk/pointer_input.hpp"

namespace osb::kiosk {

void PointerInput::press(float x, float y, PointerSource source) { queue_.push_back({Kind::Press, x, y, source}); }
void PointerInput::move(float x, float y, PointerSource source) { queue_.push_back({Kind::Move, x, y, source}); }
void PointerInput::release(float x, float y, PointerSource source) { queue_.push_back({Kind::Release, x, y, source}); }

void PointerInput::finger_down(std::int64_t finger, float x, float y) {
  if (finger_active_) return;  // a second finger: ignored
  finger_active_ = true;
  finger_ = finger;
  press(x, y, PointerSource::Touch);
}

void PointerInput::finger_motion(std::int64_t finger, float x, float y) {
  if (finger_active_ && finger == finger_) move(x, y, PointerSource::Touch);
}

void PointerInput::finger_up(std::int64_t finger, float x, float y) {
  if (!finger_active_ || finger != finger_) return;
  finger_active_ = false;
  release(x, y, PointerSource::Touch);
}

PointerFrame PointerInput::next_frame() {
  bool changed_button = false;
  bool touched = false;
  while (!queue_.empty()) {
    const Event e = queue_.front();
    if (e.kind != Kind::Move && changed_button) break;  // one press or release per frame
    queue_.pop_front();
    touched = true;
    state_.x = e.x;
    state_.y = e.y;
    state_.present = true;
    if (e.kind == Kind::Press) {
      state_.down = true;
      changed_button = true;
      linger_frames_ = 0;
    } else if (e.kind == Kind::Release) {
      state_.down = false;
      changed_button = true;
      // A finger leaves the glass: keep its position one more frame, then take it away.
      linger_frames_ = e.source == PointerSource::Touch ? 2 : 0;
    }
  }
  if (!touched && linger_frames_ > 0) {
    if (--linger_frames_ == 0) state_.present = false;
  }
  return state_;
}

}  // namespace osb::kiosk
