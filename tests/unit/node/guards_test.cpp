// The node's guards with a walked clock: staff sessions, the PIN lockout, the claim rate limit.
#include <doctest/doctest.h>

#include "node/guards.hpp"

using namespace osb;
using namespace std::chrono_literals;

TEST_CASE("claim limiter: 30 attempts a rolling minute per token, then the wait until the oldest leaves") {
  ClaimLimiter lim;
  const auto t0 = GuardClock::time_point{} + 1h;
  for (int i = 0; i < kClaimsPerMinute; ++i) CHECK(lim.reserve("kiosk:a", t0 + std::chrono::seconds(i)).wait_s == 0);
  CHECK(lim.reserve("kiosk:a", t0 + 30s).wait_s == 30);
  CHECK(lim.reserve("kiosk:b", t0 + 30s).wait_s == 0);  // another token has its own minute
  CHECK(lim.reserve("kiosk:a", t0 + 60s).wait_s == 0);  // the first attempt left the window
  CHECK(lim.count("kiosk:a", t0 + 60s) == kClaimsPerMinute);
}

TEST_CASE("claim limiter: give_back removes the replayed attempt's own entry, not the newest") {
  ClaimLimiter lim;
  const auto t0 = GuardClock::time_point{} + 1h;
  const auto replay = lim.reserve("kiosk:a", t0);  // turns out to be a replay, answered later
  const auto other = lim.reserve("kiosk:a", t0 + 20s);  // a new claim reserved meanwhile
  REQUIRE(replay.wait_s == 0);
  REQUIRE(other.wait_s == 0);
  lim.give_back("kiosk:a", replay.ticket);
  // The new claim's attempt stays in the window until t0 + 80 s.
  CHECK(lim.count("kiosk:a", t0 + 70s) == 1);
  for (int i = 1; i < kClaimsPerMinute; ++i) CHECK(lim.reserve("kiosk:a", t0 + 70s).wait_s == 0);
  CHECK(lim.reserve("kiosk:a", t0 + 70s).wait_s == 10);
  CHECK(lim.count("kiosk:a", t0 + 80s) == kClaimsPerMinute - 1);
  // A ticket given back twice (or unknown) changes nothing.
  lim.give_back("kiosk:a", replay.ticket);
  CHECK(lim.count("kiosk:a", t0 + 80s) == kClaimsPerMinute - 1);
}
