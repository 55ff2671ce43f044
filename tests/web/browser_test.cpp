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
#include <vector>

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
  options.extra_event_toml = "\n[[lightning]]\nstart = \"17:30\"\ntalks = 3\nminutes = 5\n";
  NodeHarness node(options);
  const std::string day = node.days()[0];
  const std::string evil = "<img src=x onerror=alert(1)>";

  auto r = node.post("/api/v1/claims", NodeHarness::claim_body("browser-0001", day, "A", "10:00", "Packaging BoF", "José"),
                     node.token("room-a"));
  check(r.status == 201, "claim posted (status " + std::to_string(r.status) + ")");
  r = node.post("/api/v1/claims", NodeHarness::claim_body("browser-0002", day, "B", "11:00", evil, "Łukasz"), node.token("room-b"));
  check(r.status == 201, "claim with a markup title posted (status " + std::to_string(r.status) + ")");

  // Contract §4.3: a lightning talk (markup in its title), an "I'll come", a move, two groups.
  const std::string kiosk = node.token("room-a");
  auto signup = [&](const std::string& id, const std::string& title, const std::string& speaker) {
    return node.post("/api/v1/lightning",
                     nlohmann::json{{"signup_id", id}, {"day", day}, {"start", "17:30"}, {"title", title}, {"speaker", speaker}}.dump(),
                     kiosk);
  };
  auto new_group = [&](const std::string& id, const std::string& time, const std::string& title, int seats,
                       const std::string& continues) {
    nlohmann::json g = {{"group_id", id}, {"day", day}, {"time", time}, {"title", title},
                        {"where", "Main entrance"}, {"seats", seats}, {"host", "Ana"}};
    if (!continues.empty()) g["continues"] = continues;
    return node.post("/api/v1/groups", g.dump(), kiosk);
  };
  r = signup("lt-browser-0001", "Emacs <b>fast</b>", "Ana");
  check(r.status == 201, "lightning talk signed up (status " + std::to_string(r.status) + ")");
  r = node.post("/api/v1/claims/browser-0001/interest", R"({"interest_id":"interest-browser-1"})", kiosk);
  check(r.status == 200, "an I'll come counted (status " + std::to_string(r.status) + ")");
  r = node.post("/api/v1/claims/browser-0001/move", nlohmann::json{{"day", day}, {"room", "C"}, {"start", "11:00"}}.dump(),
                node.staff_token());
  check(r.status == 200, "the session moved to room C 11:00 (status " + std::to_string(r.status) + ")");
  r = new_group("group-browser-1", "19:30", "Dinner: Thai", 2, "browser-0001");
  check(r.status == 201, "a group continuing the session created (status " + std::to_string(r.status) + ")");
  r = new_group("group-browser-2", "20:00", "Board games", 4, "");
  check(r.status == 201, "a second group created (status " + std::to_string(r.status) + ")");

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
  check(contains(board.dom, "<h2 id=\"h-lightning\">Lightning talks</h2>"), "the board has a lightning-talk section");
  check(contains(board.dom, "1 of 3 · 2 places free · sign-up until 17:30"), "the sheet says how many places are free");
  check(contains(board.dom, "1 · 17:30 ·</span> <span class=\"what\">Emacs &lt;b&gt;fast&lt;/b&gt;</span>"),
        "the line-up shows the talk, its markup as text");
  check(!contains(board.dom, "<b>fast"), "no <b> element came from the talk's title");
  check(contains(board.dom, "1 coming"), "the moved session shows its interest");
  check(contains(board.dom, "Moved here from Room A at 10:00"), "the moved session says where it came from");
  check(contains(board.dom, "Moved to Room C at 11:00"), "the cell it left says where it went");
  check(contains(board.dom, "0 of 2 going · by Ana") && contains(board.dom, "Meet at Main entrance"), "the groups are listed");
  check(contains(board.dom, "continues <a href=\"/s/browser-0001\">“Packaging BoF”</a>"), "a group says which session it continues");

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
    if (c.status != 201) return;
    // Then a lightning talk, a group filled, one added, one removed and another "I'll come":
    // each applied in place too. live_seq ends as the last change's seq.
    const std::vector<HttpReply> more = {
        signup("lt-browser-0002", "Vim, quickly", "Bo"),
        node.post("/api/v1/groups/group-browser-1/join", R"({"join_id":"join-browser-1"})", kiosk),
        node.post("/api/v1/groups/group-browser-1/join", R"({"join_id":"join-browser-2"})", kiosk),
        new_group("group-browser-3", "19:00", "Walk <i>by</i> the river", 6, ""),
        node.del("/api/v1/groups/group-browser-2", node.staff_token()),
        node.post("/api/v1/claims/browser-0001/interest", R"({"interest_id":"interest-browser-2"})", kiosk)};
    for (const auto& m : more)
      if (m.status != 200 && m.status != 201) return;
    live_seq = more.back().json().at("seq").get<long long>();
  });
  const auto live = dump_dom(chromium, profiles.file("live"), node.url() + "/", "--virtual-time-budget=3000");
  claimer.join();
  check(live_seq > 0, "a claim, a sign-up, joins, a new group, a removal and an I'll come were made while the page was open");
  check(contains(live.dom, "2 · 17:35 ·</span> <span class=\"what\">Vim, quickly</span>"), "the new lightning talk is in the line-up");
  check(contains(live.dom, "2 of 3 · 1 place free"), "the sheet's count follows");
  check(contains(live.dom, "<b>Full:</b> all 2 seats taken · by Ana"), "the filled group says Full");
  check(contains(live.dom, "Walk &lt;i&gt;by&lt;/i&gt; the river") && !contains(live.dom, "<i>by"),
        "the new group is shown, its markup as text");
  check(live.dom.find("Walk &lt;i&gt;") < live.dom.find("Dinner: Thai"), "the new group is in time order");
  check(!contains(live.dom, "Board games"), "the removed group is gone");
  check(contains(live.dom, "2 coming"), "the interest count follows");
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
