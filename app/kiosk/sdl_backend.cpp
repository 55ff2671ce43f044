// Open Space Board — Backend over SDL2 + the SDL renderer.
// [SECTION] Setup and teardown
// [SECTION] Events (touch as taps, synthetic mouse events dropped)
// [SECTION] Frames and screenshots
#include "kiosk/sdl_backend.hpp"

#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_sdl.h>
#include <imgui_impl_sdlrenderer.h>

#include <cfloat>

namespace osb::kiosk {

struct Backend::Sdl {
  SDL_Window* window = nullptr;
  SDL_Renderer* renderer = nullptr;
  Uint32 wake_event = 0;
  bool sdl_up = false, imgui_up = false, platform_up = false, renderer_up = false;

  ~Sdl() {
    if (renderer_up) ImGui_ImplSDLRenderer_Shutdown();
    if (platform_up) ImGui_ImplSDL2_Shutdown();
    if (imgui_up) ImGui::DestroyContext();
    if (renderer) SDL_DestroyRenderer(renderer);
    if (window) SDL_DestroyWindow(window);
    if (sdl_up) SDL_Quit();
  }
};

// [SECTION] Setup and teardown

Backend::Backend(const BackendOptions& options) : sdl_(std::make_unique<Sdl>()) {
  const bool software = options.renderer == RendererKind::Software;
  if (software) {
    // The window surface must not be backed by GL either, or llvmpipe comes back through it.
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
  }
  // Fingers are handled as fingers; SDL's mouse events made from them would tap twice.
  SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
  SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
  SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
  SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0)
    throw BackendError(std::string("Could not start SDL video: ") + SDL_GetError() + ".");
  sdl_->sdl_up = true;
  sdl_->wake_event = SDL_RegisterEvents(1);

  Uint32 flags = SDL_WINDOW_BORDERLESS;
  if (options.fullscreen) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
  sdl_->window = SDL_CreateWindow(options.title.c_str(), options.fullscreen ? SDL_WINDOWPOS_UNDEFINED : 0,
                                  options.fullscreen ? SDL_WINDOWPOS_UNDEFINED : 0, options.width, options.height,
                                  flags);
  if (!sdl_->window) throw BackendError(std::string("Could not open the kiosk window: ") + SDL_GetError() + ".");
  sdl_->renderer = SDL_CreateRenderer(sdl_->window, -1, software ? SDL_RENDERER_SOFTWARE : SDL_RENDERER_ACCELERATED);
  if (!sdl_->renderer) throw BackendError(std::string("Could not create the SDL renderer: ") + SDL_GetError() + ".");
  SDL_RendererInfo info{};
  SDL_GetRendererInfo(sdl_->renderer, &info);
  renderer_name_ = info.name ? info.name : "?";
  if (options.fullscreen) SDL_ShowCursor(SDL_DISABLE);  // a touch screen shows no arrow

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  sdl_->imgui_up = true;
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // a kiosk must not write imgui.ini
  io.LogFilename = nullptr;
  io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;
  sdl_->platform_up = ImGui_ImplSDL2_InitForSDLRenderer(sdl_->window);
  sdl_->renderer_up = ImGui_ImplSDLRenderer_Init(sdl_->renderer);
  if (!sdl_->platform_up || !sdl_->renderer_up) throw BackendError("Could not set up Dear ImGui on the SDL window.");
}

Backend::~Backend() = default;

int Backend::width() const {
  int w = 0, h = 0;
  SDL_GetRendererOutputSize(sdl_->renderer, &w, &h);
  return w;
}

int Backend::height() const {
  int w = 0, h = 0;
  SDL_GetRendererOutputSize(sdl_->renderer, &w, &h);
  return h;
}

// [SECTION] Events (touch as taps, synthetic mouse events dropped)

void Backend::wake() {
  SDL_Event e{};
  e.type = sdl_->wake_event;
  SDL_PushEvent(&e);  // thread-safe by SDL's contract
}

void Backend::synthetic_tap(float x, float y) {
  pointer_.press(x, y, PointerSource::Touch);
  pointer_.release(x, y, PointerSource::Touch);
}

void Backend::synthetic_press(float x, float y) { pointer_.press(x, y, PointerSource::Touch); }
void Backend::synthetic_release(float x, float y) { pointer_.release(x, y, PointerSource::Touch); }

Pumped Backend::pump(int timeout_ms) {
  Pumped p;
  SDL_Event e;
  bool have = timeout_ms > 0 ? SDL_WaitEventTimeout(&e, timeout_ms) != 0 : SDL_PollEvent(&e) != 0;
  int win_w = 0, win_h = 0;
  SDL_GetWindowSize(sdl_->window, &win_w, &win_h);
  while (have) {
    switch (e.type) {
      case SDL_QUIT:
        p.quit = true;
        break;
      case SDL_FINGERDOWN:
      case SDL_FINGERMOTION:
      case SDL_FINGERUP: {
        // Finger coordinates are normalised to the touch surface, which is the screen here.
        const float x = e.tfinger.x * static_cast<float>(win_w), y = e.tfinger.y * static_cast<float>(win_h);
        if (e.type == SDL_FINGERDOWN) pointer_.finger_down(e.tfinger.fingerId, x, y);
        else if (e.type == SDL_FINGERMOTION) pointer_.finger_motion(e.tfinger.fingerId, x, y);
        else pointer_.finger_up(e.tfinger.fingerId, x, y);
        p.input = true;
        break;
      }
      case SDL_MOUSEBUTTONDOWN:
      case SDL_MOUSEBUTTONUP:
        if (e.button.which == SDL_TOUCH_MOUSEID || e.button.button != SDL_BUTTON_LEFT) break;
        if (e.type == SDL_MOUSEBUTTONDOWN) pointer_.press(float(e.button.x), float(e.button.y), PointerSource::Mouse);
        else pointer_.release(float(e.button.x), float(e.button.y), PointerSource::Mouse);
        p.input = true;
        break;
      case SDL_MOUSEMOTION:
        if (e.motion.which == SDL_TOUCH_MOUSEID) break;
        pointer_.move(float(e.motion.x), float(e.motion.y), PointerSource::Mouse);
        p.input = true;
        break;
      case SDL_MOUSEWHEEL:
      case SDL_KEYDOWN:
      case SDL_KEYUP:
      case SDL_TEXTINPUT:
        ImGui_ImplSDL2_ProcessEvent(&e);
        p.input = true;
        break;
      case SDL_WINDOWEVENT:
        ImGui_ImplSDL2_ProcessEvent(&e);
        if (e.window.event == SDL_WINDOWEVENT_CLOSE) p.quit = true;
        p.exposed = true;
        break;
      default:
        if (e.type == sdl_->wake_event) p.woken = true;
        break;
    }
    have = SDL_PollEvent(&e) != 0;
  }
  return p;
}

// [SECTION] Frames and screenshots

void Backend::new_frame() {
  ImGui_ImplSDLRenderer_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  // The SDL backend of ImGui 1.86 reads the OS mouse; our pointer (touch-aware) replaces it.
  const PointerFrame f = pointer_.next_frame();
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = f.present ? ImVec2(f.x, f.y) : ImVec2(-FLT_MAX, -FLT_MAX);
  io.MouseDown[0] = f.down;
  io.MouseDown[1] = io.MouseDown[2] = false;
  ImGui::NewFrame();
}

void Backend::render() {
  ImGui::Render();
  SDL_SetRenderDrawColor(sdl_->renderer, 0x0E, 0x11, 0x16, 0xFF);  // the theme's page colour
  SDL_RenderClear(sdl_->renderer);
  ImGui_ImplSDLRenderer_RenderDrawData(ImGui::GetDrawData());
}

std::optional<RgbImage> Backend::read_pixels() {
  RgbImage img;
  SDL_GetRendererOutputSize(sdl_->renderer, &img.width, &img.height);
  img.pixels.resize(static_cast<std::size_t>(img.width) * img.height * 3);
  if (SDL_RenderReadPixels(sdl_->renderer, nullptr, SDL_PIXELFORMAT_RGB24, img.pixels.data(), img.width * 3) != 0)
    return std::nullopt;
  return img;
}

void Backend::present() { SDL_RenderPresent(sdl_->renderer); }

}  // namespace osb::kiosk
