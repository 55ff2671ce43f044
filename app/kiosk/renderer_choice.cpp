#include "kiosk/renderer_choice.hpp"

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string_view>

namespace osb::kiosk {

namespace {

bool env_set(const char* name) {
  const char* v = std::getenv(name);
  return v && *v && std::strcmp(v, "0") != 0;
}

// Xvfb keeps no /tmp/.X11-unix lock we could ask, but its process is easy to spot: the lock file
// /tmp/.X<n>-lock holds the server's pid, and /proc/<pid>/comm names it.
bool display_is_xvfb() {
  const char* display = std::getenv("DISPLAY");
  if (!display || !*display) return false;
  std::string_view d(display);
  const auto colon = d.find(':');
  if (colon == std::string_view::npos) return false;
  std::string number(d.substr(colon + 1));
  number = number.substr(0, number.find('.'));
  std::ifstream lock("/tmp/.X" + number + "-lock");
  long pid = 0;
  if (!(lock >> pid) || pid <= 0) return false;
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(comm, name);
  return name.rfind("Xvfb", 0) == 0;
}

bool has_render_node() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/dev/dri", ec)) {
    if (entry.path().filename().string().rfind("renderD", 0) == 0) return true;
  }
  return false;
}

}  // namespace

RenderFacts probe_render_facts() {
  RenderFacts f;
  f.has_render_node = has_render_node();
  f.libgl_always_software = env_set("LIBGL_ALWAYS_SOFTWARE");
  f.xvfb_display = display_is_xvfb();
  if (const char* v = std::getenv("SDL_VIDEODRIVER")) f.video_driver = v;
  return f;
}

RendererChoice choose_renderer(const std::string& configured, const RenderFacts& facts) {
  if (configured == "software") return {RendererKind::Software, "the config asks for the software renderer"};
  if (configured == "accelerated") return {RendererKind::Accelerated, "the config asks for the accelerated renderer"};
  if (facts.video_driver == "dummy" || facts.video_driver == "offscreen")
    return {RendererKind::Software, "SDL_VIDEODRIVER=" + facts.video_driver + " has no GPU"};
  if (facts.libgl_always_software) return {RendererKind::Software, "LIBGL_ALWAYS_SOFTWARE is set"};
  if (facts.xvfb_display) return {RendererKind::Software, "the display is served by Xvfb, which has no GPU"};
  if (!facts.has_render_node) return {RendererKind::Software, "there is no GPU render node in /dev/dri"};
  return {RendererKind::Accelerated, "a GPU render node is present"};
}

}  // namespace osb::kiosk
