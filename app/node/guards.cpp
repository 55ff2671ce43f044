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

// [SECTION] PIN cap for the whole node

void PinCap::prune_locked(GuardClock::time_point now) {
  while (!failures_.empty() && now - failures_.front() >= kPinCapWindow) failures_.pop_front();
  if (throttled_ && failures_.empty() && in_flight_ == 0) {
    throttled_ = false;  // ten quiet minutes
    delay_ = std::chrono::seconds(0);
  }
}

long long PinCap::begin(GuardClock::time_point now) {
  std::lock_guard lk(m_);
  prune_locked(now);
  if (!throttled_) {
    // Checks in flight count as possible failures, as in PinGuard.
    if (static_cast<int>(failures_.size()) + in_flight_ >= kPinCapFailures) return 1;
    ++in_flight_;
    return 0;
  }
  if (in_flight_ > 0) return std::max<long long>(1, delay_.count());
  if (now < next_allowed_) return std::max<long long>(1, std::chrono::ceil<std::chrono::seconds>(next_allowed_ - now).count());
  ++in_flight_;
  next_allowed_ = now + delay_;
  return 0;
}

void PinCap::end(bool right, GuardClock::time_point now) {
  std::lock_guard lk(m_);
  --in_flight_;
  if (right) return;
  failures_.push_back(now);
  if (throttled_) {
    delay_ = std::min<std::chrono::seconds>(delay_ * 2, kPinCapMaxDelay);
  } else if (static_cast<int>(failures_.size()) >= kPinCapFailures) {
    throttled_ = true;
    delay_ = std::chrono::seconds(1);
  } else {
    return;
  }
  next_allowed_ = now + delay_;
}

PinCap::State PinCap::state(GuardClock::time_point now) {
  std::lock_guard lk(m_);
  prune_locked(now);
  State st;
  st.throttled = throttled_;
  st.wrong_recent = static_cast<int>(failures_.size());
  st.delay_s = throttled_ ? delay_.count() : 0;
  if (throttled_ && now < next_allowed_) st.retry_after_s = std::chrono::ceil<std::chrono::seconds>(next_allowed_ - now).count();
  return st;
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
