// A full disk under the node: its database lives on a 2 MiB tmpfs that a filler file fills up.
// Claims must answer 503 `unavailable` (never a 2xx that is not on disk), reads keep working,
// nothing acknowledged is lost, and once space returns the node takes claims again without a
// restart; a kiosk's claim waits in its outbox meanwhile and is delivered once.
// Needs mount(2) (root in a container that allows it); skipped with a message otherwise.
#include <doctest/doctest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "config/config.hpp"
#include "fault_support.hpp"
#include "node/node_service.hpp"

using namespace osb;
using namespace osb::test;
using namespace osb::test::faults;

namespace {

// A tmpfs mounted on a fresh folder for the lifetime of the object.
class TinyDisk {
 public:
  explicit TinyDisk(const std::string& dir) : dir_(dir) {
    mounted_ = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=2m,mode=0700") == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~TinyDisk() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  TinyDisk(const TinyDisk&) = delete;
  TinyDisk& operator=(const TinyDisk&) = delete;
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

  // Writes zeros to `path` until the disk says no more (ENOSPC); returns the bytes written.
  static std::size_t fill(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return 0;
    std::vector<char> block(4096, 0);
    std::size_t total = 0;
    while (true) {
      const std::size_t n = std::fwrite(block.data(), 1, block.size(), f);
      total += n;
      if (n < block.size() || std::fflush(f) != 0) break;
    }
    std::fclose(f);
    return total;
  }

 private:
  std::string dir_;
  bool mounted_ = false;
  std::string error_;
};

// The node in this process, over the config in `dir` (its database is on the tiny disk).
class LocalNode {
 public:
  explicit LocalNode(const std::string& config) : service_(load_node_config(config)) {
    port_ = service_.bind("127.0.0.1", 0);
    thread_ = std::thread([this] { service_.run(); });
  }
  ~LocalNode() {
    service_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  NodeService service_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace

TEST_CASE("a full disk: claims answer 503, reads work, nothing acknowledged is lost, claims resume when space returns") {
  TempDir dir;
  TempDir replicas;
  TinyDisk disk(dir.path());
  if (!disk.mounted()) {
    MESSAGE("skipped: cannot mount a tmpfs here (" << disk.error() << "); run as root to check the full-disk path");
    return;
  }
  NodeOptions opts;
  opts.days = {local_day(1), local_day(2)};
  opts.rooms = {"A", "B", "C", "D", "E", "F", "G", "H"};
  opts.extra_kiosks = 40;
  std::map<std::string, std::string> tokens;
  const std::string config = write_node_config(dir, opts, tokens);
  const std::string db = dir.file("node.db");
  std::vector<std::string> free_cells;  // "room start" of day 1, handed out in order
  for (const auto& r : opts.rooms)
    for (const auto& [s, e] : opts.slots) free_cells.push_back(r + " " + s);
  std::size_t next_cell = 0;
  int next_token = 1;
  auto claim = [&](int port, const std::string& id) {
    const std::string cell = free_cells.at(next_cell++);
    const std::string room = cell.substr(0, cell.find(' ')), start = cell.substr(cell.find(' ') + 1);
    const std::string tok = tokens.at("kiosk-" + std::to_string(next_token++ % 40 + 1));
    return std::make_pair(Claim{id, opts.days[0], room, start, "Title " + id, "Host", ""},
                          http_call(port, "POST", "/api/v1/claims",
                                    NodeHarness::claim_body(id, opts.days[0], room, start, "Title " + id, "Host"), tok));
  };

  std::map<std::string, Claim> acknowledged;
  {
    LocalNode node(config);
    for (int i = 0; i < 3; ++i) {
      auto [c, r] = claim(node.port(), "before-full-" + std::to_string(i));
      REQUIRE(r.status == 201);
      acknowledged[c.claim_id] = c;
    }

    // A kiosk that will make its claim while the disk is full.
    SimKiosk kiosk("room-a", replicas.file("room-a.db"), quick_sync(node.url(), tokens.at("room-a")));
    kiosk.worker->start();
    REQUIRE(wait_until([&] { return kiosk.worker->status().state == ConnectionState::Online && kiosk.screen->has_board(); }));

    // Fill the disk. Claims now fail to commit; each must say 503, never 2xx-without-disk.
    const std::string filler = dir.file("filler");
    const std::size_t filled = TinyDisk::fill(filler);
    INFO("filler bytes: " << filled);
    int unavailable = 0, accepted_while_full = 0;
    std::vector<std::string> others;
    for (int i = 0; i < 12 && unavailable < 3; ++i) {
      auto [c, r] = claim(node.port(), "while-full-" + std::to_string(i));
      if (r.status == 503) {
        ++unavailable;
        CHECK(r.error() == "unavailable");
        CHECK(r.json().value("message", "").size() > 10);
      } else if (r.status == 201) {
        // SQLite can still reuse pages it already owns; a 2xx must then really be on disk (checked below).
        ++accepted_while_full;
        acknowledged[c.claim_id] = c;
      } else {
        others.push_back(std::to_string(r.status) + " " + r.body);
      }
    }
    CHECK(unavailable >= 1);
    CHECK(others.empty());
    for (const auto& o : others) MESSAGE("unexpected answer while full: " << o);
    MESSAGE("while full: " << unavailable << " x 503, " << accepted_while_full << " x 201");

    // Reads still work.
    CHECK(http_call(node.port(), "GET", "/api/v1/board").status == 200);
    CHECK(http_call(node.port(), "GET", "/api/v1/changes?since=0").status == 200);
    CHECK(http_call(node.port(), "GET", "/healthz").status == 200);

    // The kiosk taps while the disk is full: the claim stays in its outbox, the kiosk keeps trying.
    const CellKey kiosk_cell{opts.days[1], "A", "10:00"};
    REQUIRE_FALSE(kiosk.screen->enqueue_claim(Claim{"kiosk-while-full", kiosk_cell.day, kiosk_cell.room, kiosk_cell.start,
                                                    "Offline-proof", "Kiosk", ""}));
    kiosk.worker->kick();
    // It stays pending for as long as the disk is full (the worker retries after each 503).
    CHECK_FALSE(wait_until([&] { return kiosk.screen->outbox_size() == 0; }, std::chrono::milliseconds(1500)));
    CHECK(kiosk.screen->outbox_size() == 1);
    CHECK(kiosk.screen->lost_claims(false).empty());

    // Space returns: no restart, claims go through again, and the kiosk's claim arrives once.
    std::filesystem::remove(filler);
    bool resumed = false;
    for (int i = 0; i < 5 && !resumed; ++i) {
      auto [c, r] = claim(node.port(), "after-full-" + std::to_string(i));
      if (r.status == 201) {
        resumed = true;
        acknowledged[c.claim_id] = c;
      }
    }
    CHECK(resumed);
    // The worker empties the outbox in the replica, then tells its listener: wait for both.
    CHECK(wait_until([&] { return kiosk.screen->outbox_size() == 0 && kiosk.delivered.load() >= 1; }));
    const auto cell = kiosk.screen->cell(kiosk_cell);
    REQUIRE(cell);
    CHECK(cell->claim_id == "kiosk-while-full");
    CHECK(kiosk.delivered.load() == 1);
    CHECK(kiosk.lost.load() == 0);
    kiosk.worker->stop();
  }

  // Restart the node on the same file: every acknowledged claim is there, the log is gapless.
  LocalNode again(config);
  const Board board = node_board(again.port());
  const auto holders = winners(board);
  for (const auto& [id, c] : acknowledged) {
    CHECK_MESSAGE(holders.count(id) == 1, "acknowledged claim missing after the disk was full: " << id);
  }
  CHECK(holders.count("kiosk-while-full") == 1);
  const ChangeLog log = read_change_log(db);
  CHECK(log.gapless());
  CHECK(log.claim_changes.count("kiosk-while-full") == 1);
  CHECK(log.claim_changes.at("kiosk-while-full") == 1);
}
