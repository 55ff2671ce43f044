// A kiosk that dies right after a tap: opens the replica, enqueues one claim (what the claim
// dialog does on "Claim") and kills itself with SIGKILL before anything else can run, so no
// destructor, no flush and no sync worker gets a chance. Used by kiosk_kill_test.cpp.
//   tap_and_die REPLICA CLAIM_ID DAY ROOM START
// Exits 3 when the claim was refused (the test then fails on the exit status).
#include <csignal>
#include <cstdio>

#include "store/replica_store.hpp"

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: tap_and_die REPLICA CLAIM_ID DAY ROOM START\n");
    return 2;
  }
  osb::ReplicaStore replica(argv[1]);
  if (auto e = replica.enqueue_claim(osb::Claim{argv[2], argv[3], argv[4], argv[5], "Tapped then died", "Kiosk", ""})) {
    std::fprintf(stderr, "tap_and_die: the claim was refused: %s\n", e->message.c_str());
    return 3;
  }
  std::raise(SIGKILL);
  return 0;  // not reached
}
