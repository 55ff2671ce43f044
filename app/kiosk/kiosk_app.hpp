// Open Space Board — the kiosk program: wiring UI <-> replica <-> sync on the UI thread.
// main.cpp parses the command line and signals; run_kiosk() owns everything else: the SDL
// Backend, the ReplicaStore read by the UI thread, the SyncWorker, the StaffClient and the
// event-driven loop that draws only when something changed.
#pragma once
#include <chrono>
#include <functional>
#include <string>

#include "config/config.hpp"

namespace osb::kiosk {

struct KioskOptions {
  std::string config_path;
  int window_w = 0, window_h = 0;  // --windowed WxH (0: per config, full screen)
  std::string screenshot;          // --screenshot PATH
  long frames = -1;                // --frames N (-1: run until stopped)
  std::string scene;               // --scene claim|confirmation|offline|staff|lost ("" none)
  std::string staff_pin = "2468";  // --pin, for --scene staff (the sample node.toml's PIN)
  int shrink = 0;                  // --shrink N: halve the screenshot N times (doc images)
  std::chrono::steady_clock::time_point started{};  // when main() began (start-up times count from it)
};

// Called by main() once: a thread-safe way to get the loop out of its wait (signals).
using WakeHook = std::function<void(std::function<void()>)>;

// Runs the kiosk until the window closes, `stop_requested` turns true, or --frames is reached.
// Returns the process exit code (0 fine, 1 runtime failure). `set_wake` receives the function
// that wakes the loop, so the signal thread can use it.
int run_kiosk(const KioskOptions& options, const KioskConfig& config, const std::function<bool()>& stop_requested,
              const WakeHook& set_wake);

// The scenes --scene knows, for --help and argument checks.
bool is_known_scene(const std::string& name);

}  // namespace osb::kiosk
