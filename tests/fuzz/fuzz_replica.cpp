// Fuzz target: a /changes batch from the node (any bytes, decoded with json::decode_changes) applied
// to a kiosk's ReplicaStore on a real file. Invariants: nothing throws or crashes; the replica's seq
// never goes down; each cell of the batch is stored unless the replica already had a newer one
// (latest seq wins, in batch order); the board still reads back and encodes; the outbox is untouched.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string_view>
#include <variant>

#include "codec/codec.hpp"
#include "store/replica_store.hpp"
#include "support/sample_event.hpp"
#include "support/temp_dir.hpp"

namespace {

struct Fixture {
  osb::test::TempDir dir;
  std::unique_ptr<osb::ReplicaStore> replica;
  osb::Board base;
  int runs = 0;

  Fixture() {
    replica = std::make_unique<osb::ReplicaStore>(dir.file("replica.db"));
    // Durability is not under test here; without fsync the fuzzer runs a hundred times faster.
    replica->database().exec("PRAGMA synchronous=OFF");
    base.epoch = "fuzz-epoch";
    base.seq = 5;
    base.event = osb::test::sample_event();
    for (const auto& day : base.event.days)
      for (const auto& slot : base.event.slots)
        for (const auto& room : base.event.rooms) {
          osb::Cell c;
          c.day = day;
          c.room = room.id;
          c.start = osb::format_hhmm(slot.start);
          c.end = osb::format_hhmm(slot.end);
          c.seq = 5;
          base.cells.push_back(c);
        }
    reset();
    if (replica->enqueue_claim(osb::test::sample_claim("fuzz-pending-1", "B", "11:00"))) std::abort();
  }
  // Back to the known board now and then, so batches meet both fresh and much-changed replicas.
  void reset() { replica->replace_board(base); }
};

std::string key_of(const osb::Cell& c) { return c.day + "\x1f" + c.room + "\x1f" + c.start; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture f;
  if (++f.runs % 256 == 0) f.reset();
  auto decoded = osb::json::decode_changes(std::string_view(reinterpret_cast<const char*>(data), size));
  auto* changes = std::get_if<osb::Changes>(&decoded);
  if (!changes) return 0;

  osb::ReplicaStore& r = *f.replica;
  const std::int64_t seq_before = r.seq();
  // What each touched cell must be afterwards: the stored one, replaced by each batch cell with seq >= it.
  std::map<std::string, osb::Cell> expected;
  for (const auto& c : changes->cells) {
    auto it = expected.find(key_of(c));
    if (it == expected.end()) {
      const auto now = r.cell(c.key());
      it = now ? expected.emplace(key_of(c), *now).first : expected.end();
    }
    if (it == expected.end()) expected.emplace(key_of(c), c);
    else if (c.seq >= it->second.seq) it->second = c;
  }

  r.apply_changes(*changes);

  if (r.seq() < seq_before) std::abort();                                   // seq never goes back
  if (changes->seq > seq_before && r.seq() != changes->seq) std::abort();   // and follows the node
  for (const auto& [key, want] : expected) {
    const auto got = r.cell(want.key());
    if (!got || !(*got == want)) std::abort();
  }
  if (r.outbox_size() != 1) std::abort();  // a node batch never touches claims waiting to be sent
  const osb::Board b = r.board();
  (void)osb::json::dump(osb::json::encode(b));
  return 0;
}
