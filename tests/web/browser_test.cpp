// Headless Chromium loads the phone view from a REAL node after claims were posted over HTTP:
// the DOM shows the session, and a title full of markup is text, not an element.
// Exit 0 = pass, 1 = fail, 77 = skipped (Chromium cannot start on this machine).
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include "support/node_harness.hpp"

namespace {

int failures = 0;
void check(bool ok, const std::string& what) {
  std::cout << (ok ? "ok   " : "FAIL ") << what << "\n";
  if (!ok) ++failures;
}

std::string find_chromium() {
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    const std::string cmd = std::string("command -v ") + name + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) == 0) return name;
  }
  return {};
}

struct DumpResult {
  int exit_code = -1;
  std::string dom;
};

// `--dump-dom` prints the DOM after the load event. A fresh profile each time; `timeout` bounds
// a browser that hangs (it never should, the long-poll does not hold the load event).
DumpResult dump_dom(const std::string& chromium, const std::string& profile, const std::string& url,
                    const std::string& extra = "") {
  const std::string cmd = "timeout 90 " + chromium + " " + extra +
                          " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                          " --disable-background-networking --disable-component-update --disable-sync"
                          " --user-data-dir='" + profile + "' --dump-dom '" + url + "' 2>/dev/null";
  DumpResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.dom.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

}  // namespace

int main() {
  using namespace osb::test;
  const std::string chromium = find_chromium();
  if (chromium.empty()) {
    std::cout << "chromium is not installed: skipped\n";
    return 77;
  }
  TempDir profiles;

  // Event days from tomorrow on, so every slot is still to come whatever the time of day.
  NodeOptions options;
  options.days = {local_day(1), local_day(2)};
  options.extra_kiosks = 0;
  NodeHarness node(options);
  const std::string day = node.days()[0];
  const std::string evil = "<img src=x onerror=alert(1)>";

  auto r = node.post("/api/v1/claims", NodeHarness::claim_body("browser-0001", day, "A", "10:00", "Packaging BoF", "José"),
                     node.token("room-a"));
  check(r.status == 201, "claim posted (status " + std::to_string(r.status) + ")");
  r = node.post("/api/v1/claims", NodeHarness::claim_body("browser-0002", day, "B", "11:00", evil, "Łukasz"), node.token("room-b"));
  check(r.status == 201, "claim with a markup title posted (status " + std::to_string(r.status) + ")");

  const auto board = dump_dom(chromium, profiles.file("board"), node.url() + "/");
  if (board.exit_code != 0 && board.dom.empty()) {
    // Nothing at all: tell a browser that cannot start apart from a page that broke it.
    const auto probe = dump_dom(chromium, profiles.file("probe"), "about:blank");
    if (probe.exit_code != 0 || !contains(probe.dom, "<html")) {
      std::cout << "chromium cannot start here (exit " << probe.exit_code << "): skipped\n";
      return 77;
    }
  }
  check(board.exit_code == 0, "chromium dumped / (exit " + std::to_string(board.exit_code) + ")");
  check(contains(board.dom, "Packaging BoF"), "the board shows the claimed session's title");
  check(contains(board.dom, "by José"), "the board shows its host");
  check(contains(board.dom, "href=\"/s/browser-0001\""), "the session links to its page");
  check(contains(board.dom, "&lt;img src=x onerror=alert(1)&gt;"), "the markup title is shown as text");
  check(!contains(board.dom, "<img"), "no <img> element came from the title");
  check(contains(board.dom, "aria-current=\"page\""), "the shown day is marked in the day tabs");
  check(contains(board.dom, "data-live=\"polling\""), "the live-update script ran and is long-polling");

  const auto session = dump_dom(chromium, profiles.file("session"), node.url() + "/s/browser-0002");
  check(session.exit_code == 0, "chromium dumped /s/browser-0002");
  check(contains(session.dom, "&lt;img src=x onerror=alert(1)&gt;"), "the session page shows the markup title as text");
  check(!contains(session.dom, "<img"), "no <img> element on the session page");
  check(contains(session.dom, "by Łukasz"), "the session page shows the host");
  check(contains(session.dom, "href=\"/s/browser-0002.ics\""), "the session page links its calendar file");

  // Live: a claim made while the page is open is applied in place (the script patches the cell
  // and records the seq it reached; a reload would not set data-seq before its first answer).
  // The claim is made once the page's long-poll has reached the node (a condition with a
  // deadline): polls held now (/metrics) plus polls answered (the request log, written when a
  // poll ends) grows only when a new poll arrives; an earlier page's poll that ends moves from
  // one count to the other.
  auto polls = [&] {
    const std::string log = node.log();
    std::size_t n = 0;
    for (auto p = log.find("GET /api/v1/changes"); p != std::string::npos; p = log.find("GET /api/v1/changes", p + 1)) ++n;
    return n + static_cast<std::size_t>(std::max(0LL, node.metric("openspace_long_polls_held")));
  };
  const std::size_t polls_before = polls();
  long long live_seq = -1;
  std::thread claimer([&] {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline && polls() <= polls_before)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the condition's polling interval
    auto c = node.post("/api/v1/claims", NodeHarness::claim_body("browser-0003", day, "C", "10:00", "Patched in place", "Zoë"),
                       node.token("room-a"));
    if (c.status == 201) live_seq = c.json().at("seq").get<long long>();
  });
  const auto live = dump_dom(chromium, profiles.file("live"), node.url() + "/", "--virtual-time-budget=3000");
  claimer.join();
  check(live_seq > 0, "a claim was made while the page was open");
  check(contains(live.dom, "Patched in place") && contains(live.dom, "by Zoë"), "the open page shows it without a reload");
  check(contains(live.dom, "data-seq=\"" + std::to_string(live_seq) + "\""), "the script applied the change in place");
  check(contains(live.dom, "href=\"/s/browser-0003\"") && contains(live.dom, "id=\"c-C-1000\""),
        "the patched cell links to the session's page");

  if (failures) {
    std::cout << "--- DOM of / ---\n" << board.dom.substr(0, 6000) << "\n--- node log ---\n" << node.log() << "\n";
    return 1;
  }
  std::cout << "ok: the phone view renders in Chromium\n";
  return 0;
}
