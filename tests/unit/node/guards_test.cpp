// The node's guards with a walked clock: staff sessions, the PIN lockout, the claim rate limit.
#include <doctest/doctest.h>

#include "node/guards.hpp"

using namespace osb;
using namespace std::chrono_literals;

TEST_CASE("claim limiter: 30 attempts a rolling minute per token, then the wait until the oldest leaves") {
  ClaimLimiter lim;
  const auto t0 = GuardClock::time_point{} + 1h;
  for (int i = 0; i < kClaimsPerMinute; ++i) CHECK(lim.reserve("kiosk:a", t0 + std::chrono::seconds(i)) == 0);
  CHECK(lim.reserve("kiosk:a", t0 + 30s) == 30);
  CHECK(lim.reserve("kiosk:b", t0 + 30s) == 0);  // another token has its own minute
  CHECK(lim.reserve("kiosk:a", t0 + 60s) == 0);  // the first attempt left the window
  CHECK(lim.count("kiosk:a", t0 + 60s) == kClaimsPerMinute);
}
