#include "core/talks.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "core/time.hpp"

namespace osb {

const char* to_string(TalkChange c) {
  switch (c) {
    case TalkChange::Added: return "added";
    case TalkChange::Updated: return "updated";
    case TalkChange::Cancelled: return "cancelled";
  }
  return "added";
}

// [SECTION] Merge

TalkMerge merge_talks(const std::vector<Talk>& current, const std::vector<Talk>& incoming) {
  TalkMerge m;
  m.talks = static_cast<int>(incoming.size());
  std::unordered_map<std::string, const Talk*> by_id;
  for (const auto& t : current) by_id[t.id] = &t;
  std::unordered_set<std::string> seen;
  for (const auto& in : incoming) {
    seen.insert(in.id);
    Talk next = in;
    next.state = TalkState::Scheduled;
    const auto it = by_id.find(in.id);
    if (it == by_id.end()) {
      ++m.added;
      m.changes.push_back({TalkChange::Added, std::move(next)});
    } else if (!it->second->same_content(in) || it->second->state != TalkState::Scheduled) {
      ++m.updated;
      m.changes.push_back({TalkChange::Updated, std::move(next)});
    } else {
      ++m.unchanged;
    }
  }
  std::vector<Talk> gone;
  for (const auto& t : current)
    if (t.state == TalkState::Scheduled && !seen.count(t.id)) gone.push_back(t);
  std::sort(gone.begin(), gone.end(), [](const Talk& a, const Talk& b) {
    return a.start != b.start ? a.start < b.start : a.id < b.id;
  });
  for (auto& t : gone) {
    t.state = TalkState::Cancelled;
    ++m.cancelled;
    m.changes.push_back({TalkChange::Cancelled, std::move(t)});
  }
  return m;
}

// [SECTION] Overlap with slots

namespace {
// "YYYY-MM-DDTHH:MM" of minute `minute` (may be 1440 or more) after midnight of `day`.
std::string local_stamp(const std::string& day, int minute) {
  const int days = minute / 1440;
  return (days ? add_days(day, days) : day) + "T" + format_hhmm(minute % 1440);
}
}  // namespace

bool talk_overlaps(const Talk& t, const std::string& day, int start, int end) {
  if (!parse_day(day)) return false;
  const std::string a = local_stamp(day, start), b = local_stamp(day, end);
  // Zero-length talks (a start marker) count at their start minute.
  if (t.start == t.end) return t.start >= a && t.start < b;
  return t.start < b && t.end > a;
}

std::vector<const Talk*> talks_during(const std::vector<Talk>& talks, const std::string& day, int start, int end) {
  std::vector<const Talk*> out;
  for (const auto& t : talks)
    if (talk_overlaps(t, day, start, end)) out.push_back(&t);
  std::stable_sort(out.begin(), out.end(), [](const Talk* a, const Talk* b) {
    return a->start != b->start ? a->start < b->start : a->room < b->room;
  });
  return out;
}

std::string talk_clock(const std::string& local) {
  if (local.size() == 16 && local[10] == 'T') return local.substr(11);
  return local;
}

// [SECTION] Backchannel

std::string session_tag(const std::string& backchannel, const std::string& room, const std::string& start) {
  std::string tag = "#os-";
  for (char c : room) tag += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  tag += '-';
  for (char c : start)
    if (c != ':') tag += c;
  if (backchannel.empty()) return tag;
  return backchannel + " " + tag;
}

}  // namespace osb
