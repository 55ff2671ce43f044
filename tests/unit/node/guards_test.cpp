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

TEST_CASE("staff sessions: a token works until it expires or is revoked, revoking one leaves the others") {
  StaffSessions sessions(std::chrono::hours(8));
  const auto t0 = GuardClock::time_point{} + 1h;
  const std::string a = sessions.open(t0);
  const std::string b = sessions.open(t0 + 1min);
  CHECK(sessions.find(a, t0 + 1h) != 0);
  CHECK(sessions.find(a, t0 + 1h) != sessions.find(b, t0 + 1h));
  CHECK(sessions.find("not-a-token", t0 + 1h) == 0);
  CHECK(sessions.revoke(a, t0 + 2h));
  CHECK_FALSE(sessions.valid(a, t0 + 2h));
  CHECK_FALSE(sessions.revoke(a, t0 + 2h));
  CHECK(sessions.valid(b, t0 + 2h));
  CHECK(sessions.live(t0 + 2h) == 1);
  // Expiry after the ttl, on the monotonic clock.
  CHECK(sessions.valid(b, t0 + 1min + 8h - 1s));
  CHECK_FALSE(sessions.valid(b, t0 + 1min + 8h));
  CHECK(sessions.live(t0 + 9h) == 0);
}

TEST_CASE("PIN cap: 20 wrong PINs in 10 minutes node-wide throttle every check with a doubling delay, lifted after 10 quiet minutes") {
  PinCap cap;
  auto t = GuardClock::time_point{} + 1h;
  for (int i = 0; i < kPinCapFailures - 1; ++i) {
    REQUIRE(cap.begin(t) == 0);
    cap.end(false, t);
  }
  CHECK_FALSE(cap.state(t).throttled);
  // Checks in flight count: with 19 failures, one check may run, a parallel second may not.
  REQUIRE(cap.begin(t) == 0);
  CHECK(cap.begin(t) == 1);
  cap.end(false, t);  // the 20th wrong PIN
  auto st = cap.state(t);
  CHECK(st.throttled);
  CHECK(st.wrong_recent == kPinCapFailures);
  CHECK(st.delay_s == 1);
  CHECK(cap.begin(t) == 1);  // the right PIN waits too
  t += 1s;
  REQUIRE(cap.begin(t) == 0);
  CHECK(cap.begin(t) >= 1);  // one check at a time
  cap.end(false, t);
  CHECK(cap.state(t).delay_s == 2);
  CHECK(cap.begin(t + 1s) == 1);
  t += 2s;
  REQUIRE(cap.begin(t) == 0);
  cap.end(true, t);  // a right PIN does not lift the throttle
  CHECK(cap.state(t).throttled);
  CHECK(cap.state(t).delay_s == 2);
  // The delay doubles up to 5 minutes.
  for (int i = 0; i < 12; ++i) {
    t += std::chrono::seconds(cap.state(t).delay_s);
    REQUIRE(cap.begin(t) == 0);
    cap.end(false, t);
  }
  CHECK(cap.state(t).delay_s == 300);
  // Ten minutes without a wrong PIN lift it.
  CHECK(cap.state(t + 10min - 1s).throttled);
  st = cap.state(t + 10min);
  CHECK_FALSE(st.throttled);
  CHECK(st.wrong_recent == 0);
  CHECK(cap.begin(t + 10min) == 0);
}
