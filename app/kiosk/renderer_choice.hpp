// Open Space Board — which SDL renderer the kiosk uses.
// Without a GPU, SDL's accelerated renderer runs on Mesa's llvmpipe, which maps tens of MB of
// LLVM and has crashed in SDL_RenderPresent at 1920x1080 under Xvfb. SDL's own software renderer
// draws the same UI in a fraction of the memory. "auto" therefore picks software whenever only a
// software GL could exist; the config can force either way.
#pragma once
#include <string>

namespace osb::kiosk {

enum class RendererKind { Software, Accelerated };

// What the machine looks like, gathered by probe_render_facts() (kept apart so tests can vary it).
struct RenderFacts {
  bool has_render_node = false;        // /dev/dri/renderD* exists (a GPU driver is loaded)
  bool libgl_always_software = false;  // LIBGL_ALWAYS_SOFTWARE is set and not "0"
  bool xvfb_display = false;           // the X display is served by Xvfb
  std::string video_driver;            // SDL_VIDEODRIVER ("dummy", "offscreen", ... or empty)
};

struct RendererChoice {
  RendererKind kind = RendererKind::Software;
  std::string reason;  // one sentence, printed at start-up
};

RenderFacts probe_render_facts();
// `configured` is KioskConfig::renderer: "auto", "software" or "accelerated".
RendererChoice choose_renderer(const std::string& configured, const RenderFacts& facts);

}  // namespace osb::kiosk
