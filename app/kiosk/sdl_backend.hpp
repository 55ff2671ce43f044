// Open Space Board — Backend: everything SDL, behind one small class (as Tracy's Backend).
// It owns the window, the SDL renderer and the two ImGui backends (imgui_impl_sdl,
// imgui_impl_sdlrenderer), turns finger and mouse events into one well-behaved pointer
// (PointerInput), and offers a wake() any thread may call to get the UI loop out of its wait.
// The rest of the kiosk never includes SDL.h.
#pragma once
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "kiosk/pointer_input.hpp"
#include "kiosk/renderer_choice.hpp"
#include "kiosk/screenshot.hpp"

struct ImFontAtlas;

namespace osb::kiosk {

struct BackendOptions {
  std::string title = "Open Space Board";
  bool fullscreen = true;
  int width = 1920, height = 1080;  // window size when not full screen
  RendererKind renderer = RendererKind::Software;
};

// The Backend's start-up steps, in milliseconds, for the kiosk's start-up line.
struct StartupTimes {
  bool known = false;  // the first frame has been presented
  double sdl_ms = 0, window_ms = 0, imgui_ms = 0;
  double atlas_ms = 0;  // the built atlas handed to the rasteriser (or uploaded to the GPU)
  double drawn_ms = 0, presented_ms = 0;
  int atlas_w = 0, atlas_h = 0;
};

// What one wait brought in.
struct Pumped {
  bool quit = false;     // window closed (SIGINT/SIGTERM arrive through the kiosk's own flag)
  bool woken = false;    // wake() was called: the RunQueue has work
  bool input = false;    // touch, mouse or keyboard: draw frames so ImGui sees it
  bool exposed = false;  // the window needs repainting (shown, resized, exposed)
};

struct BackendError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Backend {
 public:
  // Starts SDL and opens the window (and the renderer). Throws BackendError with one sentence.
  explicit Backend(const BackendOptions& options);
  // Creates the ImGui context on `fonts` (built, and kept alive by the caller until the Backend
  // is gone) and ImGui's SDL backends. Separate from the constructor so the fonts can be built
  // on another thread while the window opens. Throws BackendError.
  void start_ui(ImFontAtlas& fonts);
  ~Backend();
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  // Waits up to timeout_ms for an event (0: just polls), then takes every pending event.
  Pumped pump(int timeout_ms);
  // Any thread: makes a pump() in progress return (SDL user event).
  void wake();

  // Frame: new_frame(), the UI draws, render(), optionally read_pixels(), present().
  void new_frame();
  void render();
  std::optional<RgbImage> read_pixels();
  void present();

  // Queue finger presses and releases as a real finger would make them. For --scene.
  void synthetic_tap(float x, float y);
  void synthetic_press(float x, float y);
  void synthetic_release(float x, float y);
  bool input_busy() const { return pointer_.busy(); }

  int width() const;
  int height() const;
  const std::string& renderer_name() const { return renderer_name_; }
  // Where this class's part of start-up went (known once the first frame is presented).
  StartupTimes startup_times() const;

 private:
  struct Sdl;
  std::unique_ptr<Sdl> sdl_;
  PointerInput pointer_;
  std::string renderer_name_;
};

}  // namespace osb::kiosk
