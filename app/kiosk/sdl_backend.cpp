// Open Space Board — Backend over SDL2.
// Two ways to draw: "accelerated" hands ImGui's triangles to an SDL_Renderer on the GPU
// (imgui_impl_sdlrenderer); "software" draws them with SoftRaster straight into the window
// surface (SDL_GetWindowSurface + SDL_UpdateWindowSurface), with no SDL_Renderer at all, so no GL
// library is ever loaded and the font atlas lives once, as 8-bit alpha.
// [SECTION] Setup and teardown
// [SECTION] Events (touch as taps, synthetic mouse events dropped)
// [SECTION] Font atlas
// [SECTION] Frames and screenshots
#include "kiosk/sdl_backend.hpp"

#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_sdl.h>
#include <imgui_impl_sdlrenderer.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <cfloat>
#include <chrono>
#include <cstdio>
#include <vector>

#include "kiosk/soft_raster.hpp"

namespace osb::kiosk {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint32_t kPageColour = 0x0E1116;  // the theme's page colour, behind every frame

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace

struct Backend::Sdl {
  SDL_Window* window = nullptr;
  SDL_Renderer* renderer = nullptr;  // accelerated only
  bool software = false;
  SoftRaster raster;                   // software only
  std::vector<std::uint32_t> staging;  // software, when the window surface is not 0x00RRGGBB
  bool surface_error_told = false;
  Uint32 wake_event = 0;
  bool sdl_up = false, imgui_up = false, platform_up = false, renderer_up = false;
  bool atlas_freed = false;
  bool fullscreen_pending = false;  // full-screen state still to be asked for, after the first frame
  bool trim_pending = false;        // freed atlas memory to hand back to the system, after the frame  // accelerated: ImGui's CPU copy of the atlas is gone after the upload

  // Start-up steps, for the kiosk's start-up line after the first present: where launch time goes.
  Clock::time_point t_begin, t_sdl, t_window, t_ui_begin, t_ui, t_atlas_begin, t_atlas_end, t_raster_begin,
      t_raster_end, t_present;
  bool startup_told = false;
  int atlas_w = 0, atlas_h = 0;

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
  sdl_->t_begin = Clock::now();
  const bool software = options.renderer == RendererKind::Software;
  sdl_->software = software;
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
  sdl_->t_sdl = Clock::now();

  Uint32 flags = SDL_WINDOW_BORDERLESS;  // never SDL_WINDOW_OPENGL: software mode must not load GL
  // Full screen: a borderless window over the whole display first, and full-screen state asked of
  // the window manager only after the first frame. Asked at creation, SDL's X11 driver waits up to
  // 100 ms for a window manager to answer (with none, as on a bare kiosk X server or Xvfb, the
  // whole 100 ms) before anything can be drawn.
  SDL_Rect area{0, 0, options.width, options.height};
  if (options.fullscreen) {
    if (SDL_GetDisplayBounds(0, &area) == 0) sdl_->fullscreen_pending = true;
    else flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
  }
  sdl_->window = SDL_CreateWindow(options.title.c_str(), area.x, area.y, area.w, area.h, flags);
  if (!sdl_->window) throw BackendError(std::string("Could not open the kiosk window: ") + SDL_GetError() + ".");
  if (software) {
    if (!SDL_GetWindowSurface(sdl_->window))
      throw BackendError(std::string("Could not get the kiosk window's pixels: ") + SDL_GetError() + ".");
    renderer_name_ = "direct software";
  } else {
    sdl_->renderer = SDL_CreateRenderer(sdl_->window, -1, SDL_RENDERER_ACCELERATED);
    if (!sdl_->renderer) throw BackendError(std::string("Could not create the SDL renderer: ") + SDL_GetError() + ".");
    SDL_RendererInfo info{};
    SDL_GetRendererInfo(sdl_->renderer, &info);
    renderer_name_ = info.name ? info.name : "?";
  }
  sdl_->t_window = Clock::now();
  if (options.fullscreen) SDL_ShowCursor(SDL_DISABLE);  // a touch screen shows no arrow
}

void Backend::start_ui(ImFontAtlas& fonts) {
  sdl_->t_ui_begin = Clock::now();
  IMGUI_CHECKVERSION();
  ImGui::CreateContext(&fonts);
  sdl_->imgui_up = true;
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // a kiosk must not write imgui.ini
  io.LogFilename = nullptr;
  io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;
  sdl_->platform_up = ImGui_ImplSDL2_InitForSDLRenderer(sdl_->window);
  if (!sdl_->software) sdl_->renderer_up = ImGui_ImplSDLRenderer_Init(sdl_->renderer);
  if (!sdl_->platform_up || (!sdl_->software && !sdl_->renderer_up))
    throw BackendError("Could not set up Dear ImGui on the SDL window.");
  sdl_->t_ui = Clock::now();
}

Backend::~Backend() = default;

int Backend::width() const {
  int w = 0, h = 0;
  if (sdl_->software) SDL_GetWindowSize(sdl_->window, &w, &h);
  else SDL_GetRendererOutputSize(sdl_->renderer, &w, &h);
  return w;
}

int Backend::height() const {
  int w = 0, h = 0;
  if (sdl_->software) SDL_GetWindowSize(sdl_->window, &w, &h);
  else SDL_GetRendererOutputSize(sdl_->renderer, &w, &h);
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

// [SECTION] Font atlas

namespace {

// The atlas build frees megabytes (TTF copies, FreeType's work buffers) amid the heap, where
// glibc keeps them mapped; hand those pages back so an idle kiosk's RSS is what it uses.
void release_freed_memory() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

// Software: the atlas is built as 8-bit alpha (never RGBA32), copied once into the rasteriser,
// and ImGui's own pixels and the TTF files it was built from (one copy per font size) are freed.
void build_soft_atlas(SoftRaster& raster, int& w, int& h) {
  ImGuiIO& io = ImGui::GetIO();
  unsigned char* pixels = nullptr;
  io.Fonts->GetTexDataAsAlpha8(&pixels, &w, &h);
  raster.set_atlas(pixels, w, h);
  io.Fonts->SetTexID(raster.texture_id());
  io.Fonts->ClearTexData();
  io.Fonts->ClearInputData();
}

}  // namespace

// [SECTION] Frames and screenshots

void Backend::new_frame() {
  ImGuiIO& io = ImGui::GetIO();
  if (sdl_->software) {
    // Built on the first frame, after the UI chose its fonts; again if the UI ever sets up new
    // fonts (that clears the atlas).
    if (!sdl_->raster.has_atlas() || !io.Fonts->IsBuilt()) {
      sdl_->t_atlas_begin = Clock::now();
      build_soft_atlas(sdl_->raster, sdl_->atlas_w, sdl_->atlas_h);
      sdl_->t_atlas_end = Clock::now();
      sdl_->trim_pending = true;
    }
  } else {
    if (!sdl_->atlas_freed) sdl_->t_atlas_begin = Clock::now();
    ImGui_ImplSDLRenderer_NewFrame();  // builds the atlas and uploads it on the first frame
    if (!sdl_->atlas_freed) {
      // The texture holds the atlas now: ImGui's CPU pixels and the TTF data are not needed.
      sdl_->t_atlas_end = Clock::now();
      sdl_->atlas_w = io.Fonts->TexWidth;
      sdl_->atlas_h = io.Fonts->TexHeight;
      io.Fonts->ClearTexData();
      io.Fonts->ClearInputData();
      sdl_->atlas_freed = true;
      sdl_->trim_pending = true;
    }
  }
  ImGui_ImplSDL2_NewFrame();
  // The SDL backend of ImGui 1.86 reads the OS mouse; our pointer (touch-aware) replaces it.
  const PointerFrame f = pointer_.next_frame();
  io.MousePos = f.present ? ImVec2(f.x, f.y) : ImVec2(-FLT_MAX, -FLT_MAX);
  io.MouseDown[0] = f.down;
  io.MouseDown[1] = io.MouseDown[2] = false;
  ImGui::NewFrame();
}

void Backend::render() {
  if (!sdl_->startup_told) sdl_->t_raster_begin = Clock::now();
  ImGui::Render();
  if (!sdl_->software) {
    SDL_SetRenderDrawColor(sdl_->renderer, (kPageColour >> 16) & 0xFF, (kPageColour >> 8) & 0xFF, kPageColour & 0xFF,
                           0xFF);
    SDL_RenderClear(sdl_->renderer);
    ImGui_ImplSDLRenderer_RenderDrawData(ImGui::GetDrawData());
  } else if (SDL_Surface* surface = SDL_GetWindowSurface(sdl_->window)) {
    const bool direct = surface->format->format == SDL_PIXELFORMAT_RGB888;
    PixelTarget target{nullptr, surface->w, surface->h, surface->w};
    if (direct) {
      if (SDL_MUSTLOCK(surface)) SDL_LockSurface(surface);
      target.pixels = static_cast<std::uint32_t*>(surface->pixels);
      target.pitch = surface->pitch / 4;
    } else {
      sdl_->staging.resize(static_cast<std::size_t>(surface->w) * surface->h);
      target.pixels = sdl_->staging.data();
    }
    sdl_->raster.render_frame(*ImGui::GetDrawData(), target, kPageColour);
    if (direct) {
      if (SDL_MUSTLOCK(surface)) SDL_UnlockSurface(surface);
    } else {
      // A window surface in another format (a 16-bit display, say): one conversion per frame.
      SDL_ConvertPixels(surface->w, surface->h, SDL_PIXELFORMAT_RGB888, sdl_->staging.data(), surface->w * 4,
                        surface->format->format, surface->pixels, surface->pitch);
    }
  } else if (!sdl_->surface_error_told) {
    sdl_->surface_error_told = true;
    std::fprintf(stderr, "openspace-kiosk: could not get the window's pixels to draw into: %s\n", SDL_GetError());
  }
  if (!sdl_->startup_told) sdl_->t_raster_end = Clock::now();
}

std::optional<RgbImage> Backend::read_pixels() {
  RgbImage img;
  if (sdl_->software) {
    SDL_Surface* surface = SDL_GetWindowSurface(sdl_->window);
    if (!surface) return std::nullopt;
    img.width = surface->w;
    img.height = surface->h;
    img.pixels.resize(static_cast<std::size_t>(img.width) * img.height * 3);
    if (SDL_MUSTLOCK(surface)) SDL_LockSurface(surface);
    const int rc = SDL_ConvertPixels(img.width, img.height, surface->format->format, surface->pixels, surface->pitch,
                                     SDL_PIXELFORMAT_RGB24, img.pixels.data(), img.width * 3);
    if (SDL_MUSTLOCK(surface)) SDL_UnlockSurface(surface);
    if (rc != 0) return std::nullopt;
    return img;
  }
  SDL_GetRendererOutputSize(sdl_->renderer, &img.width, &img.height);
  img.pixels.resize(static_cast<std::size_t>(img.width) * img.height * 3);
  if (SDL_RenderReadPixels(sdl_->renderer, nullptr, SDL_PIXELFORMAT_RGB24, img.pixels.data(), img.width * 3) != 0)
    return std::nullopt;
  return img;
}

void Backend::present() {
  if (sdl_->software) SDL_UpdateWindowSurface(sdl_->window);
  else SDL_RenderPresent(sdl_->renderer);
  if (!sdl_->startup_told) {
    sdl_->startup_told = true;
    sdl_->t_present = Clock::now();
  }
  if (sdl_->fullscreen_pending) {
    // The board is on screen; now let a window manager, if any, put the window above everything.
    sdl_->fullscreen_pending = false;
    SDL_SetWindowFullscreen(sdl_->window, SDL_WINDOW_FULLSCREEN_DESKTOP);
  }
  if (sdl_->trim_pending) {
    sdl_->trim_pending = false;
    release_freed_memory();
  }
}

StartupTimes Backend::startup_times() const {
  const Sdl& d = *sdl_;
  StartupTimes t;
  t.known = d.startup_told;
  if (!t.known) return t;
  t.sdl_ms = ms_between(d.t_begin, d.t_sdl);
  t.window_ms = ms_between(d.t_sdl, d.t_window);
  t.imgui_ms = ms_between(d.t_ui_begin, d.t_ui);
  t.atlas_ms = ms_between(d.t_atlas_begin, d.t_atlas_end);
  t.drawn_ms = ms_between(d.t_raster_begin, d.t_raster_end);
  t.presented_ms = ms_between(d.t_raster_end, d.t_present);
  t.atlas_w = d.atlas_w;
  t.atlas_h = d.atlas_h;
  return t;
}

}  // namespace osb::kiosk
