// End to end: the REAL openspace-kiosk under Xvfb against the REAL openspace-node on 127.0.0.1,
// with its replica in a temp folder. Each run writes --screenshot and exits after --frames; the
// test reads the PNG back and checks its size and that it shows a board (distinct colours, the
// claimed-cell green), and OCRs it when tesseract is installed.
#include <doctest/doctest.h>
#include <stb_image.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "tests/support/node_harness.hpp"

namespace {

using osb::test::NodeHarness;
using osb::test::NodeOptions;
using osb::test::TempDir;

const std::string kKiosk = OPENSPACE_BINARY_DIR "/app/kiosk/openspace-kiosk";

struct Run {
  int exit_code = -1;
  std::string log;  // the kiosk's stderr
};

// Runs the kiosk under its own Xvfb (xvfb-run -a picks a free display) and waits for it to exit,
// with a deadline: a kiosk that hangs fails the test instead of blocking CI.
Run run_kiosk(const std::vector<std::string>& kiosk_args, const std::string& log_path, const std::string& screen = "1920x1080",
              std::chrono::seconds deadline = std::chrono::seconds(40)) {
  std::vector<std::string> args = {"/usr/bin/xvfb-run", "-a", "-s", "-screen 0 " + screen + "x24 -nolisten tcp", kKiosk};
  args.insert(args.end(), kiosk_args.begin(), kiosk_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 2, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, args[0].c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  REQUIRE(rc == 0);
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  REQUIRE(pidfd >= 0);
  pollfd p{pidfd, POLLIN, 0};
  const bool exited = ::poll(&p, 1, static_cast<int>(std::chrono::milliseconds(deadline).count())) > 0;
  if (!exited) ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(pidfd);
  Run r;
  std::ifstream in(log_path);
  r.log.assign(std::istreambuf_iterator<char>(in), {});
  r.exit_code = exited && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string kiosk_config(const TempDir& dir, const std::string& node_url, const std::string& token,
                         const std::string& mode = "room") {
  std::string t = "[kiosk]\nid = \"" + std::string(mode == "room" ? "room-a" : "hallway-1") + "\"\nmode = \"" + mode + "\"\n";
  if (mode == "room") t += "room = \"A\"\n";
  t += "node = \"" + node_url + "\"\ntoken = \"" + token + "\"\nreplica = \"replica/kiosk.db\"\n";
  t += "\n[ui]\nscale = 1.0\nfullscreen = true\nrenderer = \"auto\"\n";
  return dir.write("kiosk.toml", t);
}

struct Shot {
  int width = 0, height = 0;
  std::size_t colours = 0;        // distinct RGB values
  std::size_t claimed_green = 0;  // pixels of the theme's claimed-cell fill #0B3D2E
};

Shot analyse(const std::string& png) {
  Shot s;
  int channels = 0;
  unsigned char* data = stbi_load(png.c_str(), &s.width, &s.height, &channels, 3);
  REQUIRE_MESSAGE(data, "cannot read " << png);
  std::set<std::uint32_t> colours;
  const std::size_t n = static_cast<std::size_t>(s.width) * s.height;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char* px = data + i * 3;
    colours.insert((px[0] << 16) | (px[1] << 8) | px[2]);
    if (px[0] == 0x0B && px[1] == 0x3D && px[2] == 0x2E) ++s.claimed_green;
  }
  stbi_image_free(data);
  s.colours = colours.size();
  return s;
}

// The screenshot's text, when tesseract-ocr is installed ("" otherwise).
std::string ocr(const TempDir& dir, const std::string& png) {
  if (!std::filesystem::exists("/usr/bin/tesseract")) return "";
  const std::string base = dir.file("ocr");
  const std::string cmd = "/usr/bin/tesseract '" + png + "' '" + base + "' >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) return "";
  std::ifstream in(base + ".txt");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Two days ahead, so every slot is still open to claims whatever the time of day.
NodeOptions future_event() {
  NodeOptions o;
  o.days = {osb::test::local_day(1), osb::test::local_day(2)};
  o.event_name = "Open Spaces E2E";
  return o;
}

void seed_claims(NodeHarness& node) {
  const std::string day = node.days()[0];
  const std::string tok = node.token("room-b");
  REQUIRE(node.post("/api/v1/claims", NodeHarness::claim_body("e2e-claim-0001", day, "A", "10:00", "Packaging BoF", "José"), tok).status == 201);
  REQUIRE(node.post("/api/v1/claims", NodeHarness::claim_body("e2e-claim-0002", day, "B", "11:00", "Async IO Q&A", "Σοφία"), tok).status == 201);
}

}  // namespace

TEST_CASE("the kiosk draws the node's board and writes a full-screen screenshot after the first sync") {
  NodeHarness node(future_event());
  seed_claims(node);
  TempDir dir;
  const std::string config = kiosk_config(dir, node.url(), node.token("room-a"));
  const std::string png = dir.file("board.png");
  const Run run = run_kiosk({"--config", config, "--screenshot", png, "--frames", "5"}, dir.file("kiosk.log"));
  INFO(run.log);
  REQUIRE(run.exit_code == 0);
  REQUIRE(std::filesystem::exists(png));
  const Shot s = analyse(png);
  CHECK(s.width == 1920);
  CHECK(s.height == 1080);
  CHECK(s.colours >= 16);        // text, fills, lines: not a blank frame
  CHECK(s.claimed_green > 1000);  // José's and Σοφία's cells are drawn claimed
  CHECK(run.log.find("first board frame") != std::string::npos);
  CHECK(std::filesystem::exists(dir.file("replica/kiosk.db")));
  // The node saw this kiosk (heartbeat headers on its requests).
  const auto fleet = node.get("/api/v1/kiosks", node.staff_token()).json();
  bool seen = false;
  for (const auto& k : fleet["kiosks"]) seen = seen || (k["id"] == "room-a" && !k["last_seen"].is_null());
  CHECK(seen);
  const std::string text = ocr(dir, png);
  if (!text.empty()) {
    CHECK(text.find("Packaging") != std::string::npos);
    CHECK(text.find("Tap to claim") != std::string::npos);
  } else {
    MESSAGE("tesseract is not installed: screenshot text not checked");
  }
}

TEST_CASE("a kiosk file with nodes = [a dead URL, the node] syncs from the second and draws its board") {
  NodeHarness node(future_event());
  seed_claims(node);
  TempDir dir;
  std::string config = kiosk_config(dir, node.url(), node.token("room-a"));
  {
    std::ifstream in(config);
    std::string t(std::istreambuf_iterator<char>(in), {});
    const std::string one = "node = \"" + node.url() + "\"";
    REQUIRE(t.find(one) != std::string::npos);
    t.replace(t.find(one), one.size(), "nodes = [\"http://127.0.0.1:1\", \"" + node.url() + "\"]");
    config = dir.write("kiosk.toml", t);
  }
  const std::string png = dir.file("board.png");
  const Run run = run_kiosk({"--config", config, "--screenshot", png, "--frames", "5"}, dir.file("kiosk.log"));
  INFO(run.log);
  REQUIRE(run.exit_code == 0);
  REQUIRE(std::filesystem::exists(png));
  CHECK(analyse(png).claimed_green > 1000);  // the node's claims, fetched from the second URL
  CHECK(node.log().find("GET /api/v1/board 200") != std::string::npos);
}

TEST_CASE("with the node down from the start, the kiosk shows the board from its replica (offline-first)") {
  NodeHarness node(future_event());
  seed_claims(node);
  TempDir dir;
  const std::string config = kiosk_config(dir, node.url(), node.token("room-a"));
  // First run with the node up fills the replica.
  const Run first = run_kiosk({"--config", config, "--screenshot", dir.file("online.png"), "--frames", "3"}, dir.file("first.log"));
  INFO(first.log);
  REQUIRE(first.exit_code == 0);
  REQUIRE(node.stop() == 0);

  const std::string png = dir.file("offline.png");
  const Run run = run_kiosk({"--config", config, "--screenshot", png, "--frames", "3", "--windowed", "1080x1920"},
                            dir.file("offline.log"), "1080x1920");
  INFO(run.log);
  REQUIRE(run.exit_code == 0);
  const Shot s = analyse(png);
  CHECK(s.width == 1080);
  CHECK(s.height == 1920);
  CHECK(s.colours >= 16);
  CHECK(s.claimed_green > 1000);  // the claims come from the replica: the node never answered
  const std::string text = ocr(dir, png);
  if (!text.empty()) CHECK(text.find("Packaging") != std::string::npos);
}

TEST_CASE("a new kiosk with no replica and no node says it is waiting for the board") {
  TempDir dir;
  const std::string config = kiosk_config(dir, "http://127.0.0.1:9", "test-token-for-room-a");
  const std::string png = dir.file("waiting.png");
  const Run run = run_kiosk({"--config", config, "--screenshot", png, "--frames", "3"}, dir.file("kiosk.log"));
  INFO(run.log);
  REQUIRE(run.exit_code == 0);
  const Shot s = analyse(png);
  CHECK(s.width == 1920);
  CHECK(s.colours >= 4);  // words on the page, not an empty screen
  CHECK(s.claimed_green == 0);
  const std::string text = ocr(dir, png);
  if (!text.empty()) CHECK(text.find("Waiting") != std::string::npos);
}

TEST_CASE("a broken kiosk config exits 2 with one line naming the file") {
  TempDir dir;
  const std::string config = dir.write("kiosk.toml", "[kiosk]\nid = \"room-a\"\nmode = \"room\"\nroom = \"A\"\nnode = \"http://127.0.0.1:9\"\n"
                                                     "token = \"test-token-for-room-a\"\nreplica = \"r.db\"\ncolour = \"red\"\n");
  const std::string log = dir.file("kiosk.log");
  // No display needed: the config is read before any window opens.
  std::vector<std::string> args = {kKiosk, "--config", config};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, kKiosk.c_str(), &fa, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&fa);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 2);
  std::ifstream in(log);
  std::string text(std::istreambuf_iterator<char>(in), {});
  CHECK(text.find("kiosk.toml") != std::string::npos);
  CHECK(text.find("colour") != std::string::npos);
  CHECK(std::count(text.begin(), text.end(), '\n') == 1);
}

// Launch time: the font atlas is built once and kept next to the replica; the next start reads it
// and draws the same screen; a damaged cache is rebuilt, not drawn from.
TEST_CASE("the kiosk keeps its font atlas next to the replica and draws the same board from it") {
  NodeHarness node(future_event());
  seed_claims(node);
  TempDir dir;
  const std::string config = kiosk_config(dir, node.url(), node.token("room-a"));
  const std::string cache = dir.file("replica/kiosk.font-atlas");
  auto start = [&](const std::string& name) {
    // After the node's first answer: until then the board says Offline in a banner, and a slow
    // (sanitizer) build may take its screenshot on either side of it.
    const Run run = run_kiosk({"--config", config, "--screenshot", dir.file(name + ".png"), "--frames", "3", "--scene", "online"},
                              dir.file(name + ".log"));
    INFO(run.log);
    REQUIRE(run.exit_code == 0);
    CHECK(run.log.find("first board frame") != std::string::npos);
    return run.log;
  };
  // The screen below the header (the header holds the clock, which may turn between runs).
  int w = 0, h = 0;
  auto board_pixels = [&](const std::string& name) {
    int channels = 0;
    unsigned char* data = stbi_load(dir.file(name + ".png").c_str(), &w, &h, &channels, 3);
    REQUIRE(data);
    const std::size_t from = static_cast<std::size_t>(h / 6) * w * 3;
    std::vector<unsigned char> px(data + from, data + static_cast<std::size_t>(w) * h * 3);
    stbi_image_free(data);
    return px;
  };

  const std::string first = start("built");
  CHECK(first.find("fonts built rather than read from the font cache: there is none yet") != std::string::npos);
  CHECK(first.find("start-up: ") != std::string::npos);
  REQUIRE(std::filesystem::exists(cache));
  CHECK(std::filesystem::file_size(cache) > 1'000'000);  // the 8-bit atlas and its tables

  const std::string second = start("cached");
  CHECK(second.find("fonts from the cache") != std::string::npos);
  CHECK(second.find("fonts built") == std::string::npos);
  const std::vector<unsigned char> built = board_pixels("built");
  // Where two screenshots differ, as rows of the whole screen (said when the check fails).
  auto where_they_differ = [&](const std::vector<unsigned char>& a, const std::vector<unsigned char>& b) {
    if (a.size() != b.size()) return std::string("sizes differ");
    std::size_t first = a.size(), last = 0, count = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (a[i] != b[i]) first = std::min(first, i), last = i, ++count;
    if (count == 0) return std::string("identical");
    const std::size_t row = static_cast<std::size_t>(w) * 3, top = static_cast<std::size_t>(h / 6);
    return std::to_string(count) + " bytes differ, rows " + std::to_string(top + first / row) + " to " +
           std::to_string(top + last / row) + " of " + std::to_string(h);
  };
  const std::vector<unsigned char> cached = board_pixels("cached");
  INFO("built vs cached: " << where_they_differ(built, cached));
  CHECK(built == cached);

  // Cut in half: refused, rebuilt, rewritten whole; the same board again.
  std::filesystem::resize_file(cache, std::filesystem::file_size(cache) / 2);
  const std::string third = start("damaged");
  CHECK(third.find("fonts built rather than read from the font cache: it is damaged") != std::string::npos);
  const std::vector<unsigned char> damaged = board_pixels("damaged");
  INFO("built vs damaged: " << where_they_differ(built, damaged));
  CHECK(built == damaged);
  CHECK(start("again").find("fonts from the cache") != std::string::npos);
}
