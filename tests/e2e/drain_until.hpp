// Runs a kiosk's UI queue (what its main loop does between frames) until `pred` holds or the
// deadline passes; returns whether it held. For tests of the kiosk's clients (staff, re-import).
#pragma once
#include <chrono>
#include <thread>

#include "kiosk/run_queue.hpp"

namespace osb::test {

template <class Pred>
bool drain_until(kiosk::RunQueue& q, Pred pred, std::chrono::milliseconds deadline = std::chrono::seconds(5)) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    q.run();
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // poll interval, not a synchronisation
  }
  q.run();
  return pred();
}

}  // namespace osb::test
