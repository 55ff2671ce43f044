#include "node/guards.hpp"

#include <algorithm>

#include "node/pin.hpp"

namespace osb {

// [SECTION] Staff sessions

StaffSessions::~StaffSessions() {
  for (auto& s : sessions_) wipe_secret(s.token);
}

void StaffSessions::expire_locked(GuardClock::time_point now) {
  std::erase_if(sessions_, [&](Session& s) {
    if (s.expires > now) return false;
    wipe_secret(s.token);
    return true;
  });
}

std::string StaffSessions::open(GuardClock::time_point now) {
  std::string token = random_hex(32);
  std::lock_guard lk(m_);
  sessions_.push_back({token, now + ttl_, next_id_++});
  return token;
}

std::uint64_t StaffSessions::find(std::string_view token, GuardClock::time_point now) {
  std::lock_guard lk(m_);
  expire_locked(now);
  std::uint64_t found = 0;
  for (const auto& s : sessions_)
    if (constant_time_equal(token, s.token)) found = s.id;
  return found;
}

bool StaffSessions::revoke(std::string_view token, GuardClock::time_point now) {
  std::lock_guard lk(m_);
  expire_locked(now);
  bool found = false;
  for (auto& s : sessions_)
    if (constant_time_equal(token, s.token)) {
      found = true;
      s.expires = now;  // expire_locked below wipes and drops it
    }
  expire_locked(now);
  return found;
}

std::size_t StaffSessions::live(GuardClock::time_point now) {
  std::lock_guard lk(m_);
  expire_locked(now);
  return sessions_.size();
}

// [SECTION] PIN lockout per address

long long PinGuard::begin(const std::string& addr, GuardClock::time_point now) {
  std::lock_guard lk(m_);
  auto& e = by_addr_[addr];
  if (e.locked_until > now) return std::chrono::ceil<std::chrono::seconds>(e.locked_until - now).count();
  while (!e.failures.empty() && now - e.failures.front() > kPinWindow) e.failures.pop_front();
  if (static_cast<int>(e.failures.size()) + e.in_flight >= kPinFailuresBeforeLock) return 1;
  ++e.in_flight;
  return 0;
}

void PinGuard::end(const std::string& addr, bool right, GuardClock::time_point now) {
  std::lock_guard lk(m_);
  auto& e = by_addr_[addr];
  --e.in_flight;
  if (!right) {
    e.failures.push_back(now);
    if (static_cast<int>(e.failures.size()) >= kPinFailuresBeforeLock) {
      e.locked_until = now + kPinWindow;
      e.failures.clear();
    }
  }
  if (by_addr_.size() > 10000) prune(now);
}

void PinGuard::prune(GuardClock::time_point now) {
  std::erase_if(by_addr_, [&](const auto& kv) {
    return kv.second.in_flight == 0 && kv.second.locked_until <= now &&
           (kv.second.failures.empty() || now - kv.second.failures.back() > kPinWindow);
  });
}

// [SECTION] Claim rate limit

ClaimLimiter::Reservation ClaimLimiter::reserve(const std::string& who, GuardClock::time_point now) {
  std::lock_guard lk(m_);
  auto& q = attempts_[who];
  while (!q.empty() && now - q.front().at >= std::chrono::minutes(1)) q.pop_front();
  if (static_cast<int>(q.size()) >= kClaimsPerMinute)
    return {std::max<long long>(1, std::chrono::ceil<std::chrono::seconds>(q.front().at + std::chrono::minutes(1) - now).count()),
            0};
  const std::uint64_t ticket = next_ticket_++;
  q.push_back({now, ticket});
  return {0, ticket};
}

void ClaimLimiter::give_back(const std::string& who, std::uint64_t ticket) {
  std::lock_guard lk(m_);
  auto& q = attempts_[who];
  std::erase_if(q, [&](const Attempt& a) { return a.ticket == ticket; });
}

int ClaimLimiter::count(const std::string& who, GuardClock::time_point now) {
  std::lock_guard lk(m_);
  auto& q = attempts_[who];
  while (!q.empty() && now - q.front().at >= std::chrono::minutes(1)) q.pop_front();
  return static_cast<int>(q.size());
}

}  // namespace osb
