// openspace-kiosk: the full-screen touchscreen board. Parses the command line, loads the kiosk
// config (a config error exits 2 with one line), turns SIGTERM/SIGINT into a clean stop, and
// hands over to run_kiosk().
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>
#include <thread>

#include "config/config.hpp"
#include "kiosk/kiosk_app.hpp"
#include "ui/assets.hpp"

namespace {

int usage(int code) {
  std::fprintf(code ? stderr : stdout,
               "usage: openspace-kiosk --config kiosk-config/room-a.toml [--windowed WxH] [--screenshot PATH] [--frames N]\n"
               "  --windowed WxH     run in a window of that size instead of full screen (1080x1920: portrait)\n"
               "  --screenshot PATH  write a PNG once the first board is drawn after the first sync (or after\n"
               "                     the replica loaded, when the node does not answer within 3 s), then keep running\n"
               "  --frames N         exit after N frames (never before the screenshot is written)\n"
               "developer options, for documentation screenshots:\n"
               "  --scene NAME       before the screenshot, act like a person: claim (dialog and keyboard),\n"
               "                     confirmation (claim sent, QR shown), offline (claim saved while the node\n"
               "                     is down), staff (PIN, staff panel, fleet), lost (a claim from a replica\n"
               "                     that is behind the node, refused as taken), edit (a typo in the middle\n"
               "                     of a title mended with the ◀ key), talks (the list of a slot's scheduled talks),\n"
               "                     schedule (staff panel, the programme's last import), online (the\n"
               "                     board once the node has answered), lightning (the sign-up sheet),\n"
               "                     signup (its dialog, typed), tonight (the evening groups), session (the\n"
               "                     detail of the session most people will come to), crowded (staff: a\n"
               "                     session over its room's seats, with the larger rooms to move it to)\n"
               "  --pin PIN          the staff PIN --scene staff types (default: the sample's 2468)\n"
               "  --shrink N         halve the screenshot N times\n");
  return code;
}

bool parse_size(const std::string& s, int& w, int& h) {
  char x = 0;
  char rest = 0;
  return std::sscanf(s.c_str(), "%d%c%d%c", &w, &x, &h, &rest) == 3 && (x == 'x' || x == 'X') && w >= 320 &&
         h >= 320 && w <= 16384 && h <= 16384;
}

bool parse_count(const std::string& s, long& out, long min) {
  char* end = nullptr;
  const long v = std::strtol(s.c_str(), &end, 10);
  if (s.empty() || *end || v < min) return false;
  out = v;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  osb::kiosk::KioskOptions opt;
  opt.started = std::chrono::steady_clock::now();
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "openspace-kiosk: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--config") opt.config_path = value();
    else if (a == "--windowed") {
      const std::string v = value();
      if (!parse_size(v, opt.window_w, opt.window_h)) {
        std::fprintf(stderr, "openspace-kiosk: --windowed wants WIDTHxHEIGHT such as 1080x1920, not \"%s\"\n", v.c_str());
        return 2;
      }
    } else if (a == "--screenshot") opt.screenshot = value();
    else if (a == "--frames") {
      const std::string v = value();
      if (!parse_count(v, opt.frames, 1)) {
        std::fprintf(stderr, "openspace-kiosk: --frames wants a whole number of at least 1, not \"%s\"\n", v.c_str());
        return 2;
      }
    } else if (a == "--scene") {
      opt.scene = value();
      if (!osb::kiosk::is_known_scene(opt.scene)) {
        std::fprintf(stderr, "openspace-kiosk: unknown scene \"%s\" (see --help)\n", opt.scene.c_str());
        return 2;
      }
    } else if (a == "--pin") opt.staff_pin = value();
    else if (a == "--shrink") {
      long n = 0;
      const std::string v = value();
      if (!parse_count(v, n, 0) || n > 4) {
        std::fprintf(stderr, "openspace-kiosk: --shrink wants 0 to 4, not \"%s\"\n", v.c_str());
        return 2;
      }
      opt.shrink = static_cast<int>(n);
    } else if (a == "--help" || a == "-h") return usage(0);
    else {
      std::fprintf(stderr, "openspace-kiosk: unknown argument %s\n", a.c_str());
      return usage(2);
    }
  }
  if (opt.config_path.empty()) return usage(2);

  osb::KioskConfig config;
  try {
    config = osb::load_kiosk_config(opt.config_path);
  } catch (const osb::ConfigError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  // The words, colours and icons (assets/): a language or theme without its file stops here, with
  // what is available, before a window opens.
  {
    const std::string assets = osb::ui::find_assets_dir(config.assets);
    std::string error;
    if (!osb::ui::load_assets(assets, config.language, config.theme, &error)) {
      std::fprintf(stderr, "%s: %s\n", opt.config_path.c_str(), error.c_str());
      return 2;
    }
    if (assets.empty())
      std::fprintf(stderr, "openspace-kiosk: no assets folder found (looked beside the binary and under the install prefix); "
                           "using the built-in English words, dark theme and icons\n");
  }

  // SIGTERM/SIGINT: blocked in every thread (set before any is started) and taken by one thread
  // with sigwait, which asks the UI loop to stop and wakes it. No work in a signal handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::atomic<bool> stop{false}, exiting{false};
  std::mutex wake_mutex;
  std::function<void()> wake = [] {};
  std::thread signal_thread([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    if (exiting) return;
    stop = true;
    std::lock_guard lock(wake_mutex);
    wake();
  });
  auto set_wake = [&](std::function<void()> w) {
    std::lock_guard lock(wake_mutex);
    wake = std::move(w);
  };

  int code = 1;
  try {
    code = osb::kiosk::run_kiosk(opt, config, [&] { return stop.load(); }, set_wake);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "openspace-kiosk: %s\n", e.what());
    code = 1;
  }
  if (!stop) {
    exiting = true;
    pthread_kill(signal_thread.native_handle(), SIGTERM);  // ends the sigwait
  }
  signal_thread.join();
  return code;
}
