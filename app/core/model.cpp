#include "core/model.hpp"

#include "core/time.hpp"

namespace osb {

const Room* Event::find_room(const std::string& id) const {
  for (const auto& r : rooms)
    if (r.id == id) return &r;
  return nullptr;
}

const SlotTime* Event::find_slot(int start_minute) const {
  for (const auto& s : slots)
    if (s.start == start_minute) return &s;
  return nullptr;
}

const LightningSheet* Event::find_sheet(int start_minute) const {
  for (const auto& s : lightning)
    if (s.start == start_minute) return &s;
  return nullptr;
}

bool Event::has_day(const std::string& day) const {
  for (const auto& d : days)
    if (d == day) return true;
  return false;
}

const char* to_string(CellState s) {
  switch (s) {
    case CellState::Open: return "open";
    case CellState::Claimed: return "claimed";
    case CellState::Blocked: return "blocked";
  }
  return "open";
}

std::optional<CellState> cell_state_from_string(const std::string& s) {
  if (s == "open") return CellState::Open;
  if (s == "claimed") return CellState::Claimed;
  if (s == "blocked") return CellState::Blocked;
  return std::nullopt;
}

const char* to_string(TalkState s) { return s == TalkState::Cancelled ? "cancelled" : "scheduled"; }

std::optional<TalkState> talk_state_from_string(const std::string& s) {
  if (s == "scheduled") return TalkState::Scheduled;
  if (s == "cancelled") return TalkState::Cancelled;
  return std::nullopt;
}

}  // namespace osb
