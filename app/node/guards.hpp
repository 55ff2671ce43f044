// Open Space Board — the node's guards: staff sessions, the PIN lockout per address, and the
// claim rate limit per token. Each is a small thread-safe class; the clock is a parameter (the
// steady clock by default) so tests can walk time forward without sleeping.
#pragma once
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace osb {

using GuardClock = std::chrono::steady_clock;

// Limits (docs/api.md "Node limits", docs/security.md).
inline constexpr int kClaimsPerMinute = 30;
inline constexpr int kPinFailuresBeforeLock = 5;
inline constexpr auto kPinWindow = std::chrono::minutes(5);

// [SECTION] Staff sessions

// Tokens of sessions that expired or were revoked are wiped from memory (wipe_secret).
class StaffSessions {
 public:
  explicit StaffSessions(std::chrono::seconds ttl) : ttl_(ttl) {}
  ~StaffSessions();
  std::chrono::seconds ttl() const { return ttl_; }

  std::string open(GuardClock::time_point now = GuardClock::now());
  // The live session's number (never 0) for `token`, else 0. Compares against every live
  // session in constant time per token. The number names the session in the claim limiter, so
  // no copy of the token is kept elsewhere.
  std::uint64_t find(std::string_view token, GuardClock::time_point now = GuardClock::now());
  bool valid(std::string_view token, GuardClock::time_point now = GuardClock::now()) { return find(token, now) != 0; }
  // Ends the session with `token` (logout, lock): true when it was live.
  bool revoke(std::string_view token, GuardClock::time_point now = GuardClock::now());
  std::size_t live(GuardClock::time_point now = GuardClock::now());

 private:
  struct Session {
    std::string token;
    GuardClock::time_point expires;
    std::uint64_t id;
  };
  void expire_locked(GuardClock::time_point now);
  std::chrono::seconds ttl_;
  std::mutex m_;
  std::uint64_t next_id_ = 1;
  std::vector<Session> sessions_;
};

// [SECTION] PIN lockout per address

// Five wrong PINs within five minutes from one address lock that address for five minutes.
// Checks in flight count as possible failures, so a burst of parallel guesses still gets at
// most five PBKDF2 verifications before the lock.
class PinGuard {
 public:
  // 0 when the address may try now (the attempt is then in flight), else seconds to wait.
  long long begin(const std::string& addr, GuardClock::time_point now = GuardClock::now());
  void end(const std::string& addr, bool right, GuardClock::time_point now = GuardClock::now());

 private:
  struct Entry {
    std::deque<GuardClock::time_point> failures;
    GuardClock::time_point locked_until{};
    int in_flight = 0;
  };
  void prune(GuardClock::time_point now);
  std::mutex m_;
  std::map<std::string, Entry> by_addr_;
};

// [SECTION] PIN cap for the whole node

// Per-address lockouts do not stop a guesser with many addresses (IPv6 gives plenty). So, node
// wide: once 20 wrong PINs came within 10 minutes, from any addresses, PIN checks are throttled:
// one check at a time, each after a delay that doubles with every further wrong PIN (1 s, 2 s,
// 4 s ... at most 5 minutes); other checks answer 429 with the seconds to wait. The throttle
// lifts when 10 minutes pass without a wrong PIN. A right PIN does not lift it (the guesser is
// still at work); staff sessions already open keep working throughout.
inline constexpr int kPinCapFailures = 20;
inline constexpr auto kPinCapWindow = std::chrono::minutes(10);
inline constexpr auto kPinCapMaxDelay = std::chrono::minutes(5);

class PinCap {
 public:
  // 0 when a PIN check may run now (it is then in flight), else seconds to wait.
  long long begin(GuardClock::time_point now = GuardClock::now());
  void end(bool right, GuardClock::time_point now = GuardClock::now());

  struct State {
    bool throttled = false;
    int wrong_recent = 0;      // wrong PINs node-wide within the last 10 minutes
    long long delay_s = 0;     // the current delay between checks while throttled
    long long retry_after_s = 0;  // until the next check may run (0: now)
  };
  State state(GuardClock::time_point now = GuardClock::now());

 private:
  void prune_locked(GuardClock::time_point now);
  std::mutex m_;
  std::deque<GuardClock::time_point> failures_;
  bool throttled_ = false;
  std::chrono::seconds delay_{0};
  GuardClock::time_point next_allowed_{};
  int in_flight_ = 0;
};

// [SECTION] Claim rate limit

// At most 30 claim attempts per rolling minute per token. A slot is reserved before the claim
// runs and given back when the claim turns out to be an idempotent replay: the replay's own
// entry goes, so attempts reserved meanwhile by other requests keep their place in the window.
class ClaimLimiter {
 public:
  struct Reservation {
    long long wait_s = 0;      // 0: a slot was reserved; else the seconds to wait
    std::uint64_t ticket = 0;  // names the reserved entry for give_back
  };
  Reservation reserve(const std::string& who, GuardClock::time_point now = GuardClock::now());
  void give_back(const std::string& who, std::uint64_t ticket);
  // Attempts of `who` still inside the rolling minute at `now`.
  int count(const std::string& who, GuardClock::time_point now = GuardClock::now());

 private:
  struct Attempt {
    GuardClock::time_point at;
    std::uint64_t ticket;
  };
  std::mutex m_;
  std::uint64_t next_ticket_ = 1;
  std::map<std::string, std::deque<Attempt>> attempts_;
};

}  // namespace osb
