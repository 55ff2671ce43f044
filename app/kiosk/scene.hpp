// Open Space Board — developer scenes for documentation screenshots (--scene NAME).
// A scene drives the real UI the way a person would: synthetic finger taps on the buttons and
// cells the last frame drew (found through ui::debug), typed text, a long press on the clock.
// Nothing is faked in the view; an offline scene needs the node down, a lost scene a replica
// that is behind the node (see tests/bench/kiosk_screenshots.sh).
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/sdl_backend.hpp"
#include "store/replica_store.hpp"
#include "ui/ui.hpp"

namespace osb::kiosk {

struct SceneContext {
  const ui::KioskView& view;
  const ui::UiState& ui;
  Backend& backend;
  std::string& type_text;  // text to type before the next frame
  std::chrono::steady_clock::time_point now;
};

class Scene {
 public:
  // nullptr for an unknown name.
  static std::unique_ptr<Scene> make(const std::string& name, const std::string& staff_pin);
  static bool known(const std::string& name);

  // Runs once after the replica opened, before the sync worker starts.
  void before_sync(ReplicaStore& replica, const std::string& own_room);
  // After each frame; true once the screen shows what the scene is for.
  bool step(SceneContext& ctx);
  // The step that has not finished yet (for an error message when a scene stalls).
  std::string current_step() const;

 private:
  struct Step {
    std::string name;
    std::function<bool(SceneContext&)> run;  // true when done
  };
  std::vector<Step> steps_;
  std::size_t at_ = 0;
  std::function<void(ReplicaStore&, const std::string&)> before_sync_;
  std::chrono::steady_clock::time_point step_started_{};
};

}  // namespace osb::kiosk
