// Open Space Board — scheduled talks beside the open spaces: merging a new import into the
// talks the board holds, which talks overlap a slot, and a session's backchannel tag.
// Pure functions over model values; the node, the admin tool (dry run), the phone page and
// the kiosk share them so they agree.
#pragma once
#include <string>
#include <vector>

#include "core/model.hpp"

namespace osb {

enum class TalkChange { Added, Updated, Cancelled };
const char* to_string(TalkChange c);

struct TalkMerge {
  struct Item {
    TalkChange change;
    Talk talk;  // the talk as it is after the import (state set; seq left to the caller)
  };
  std::vector<Item> changes;  // in document order, then the cancelled ones by start
  int talks = 0, added = 0, updated = 0, cancelled = 0, unchanged = 0;
};

// What importing `incoming` (one schedule document, ids unique) does to `current` (every talk
// the board holds, cancelled ones included): a new id is added; a known id whose time, room,
// title, persons, track or url changed, or that was cancelled and is back, is updated; a
// scheduled talk missing from `incoming` is cancelled; the rest is unchanged.
TalkMerge merge_talks(const std::vector<Talk>& current, const std::vector<Talk>& incoming);

// True when the talk runs during minutes [start, end) of `day` (venue time). Works across
// midnight: a talk from 23:30 to 00:30 overlaps 00:00-01:00 of the next day.
bool talk_overlaps(const Talk& t, const std::string& day, int start, int end);

// The talks (cancelled ones too) that overlap a slot, by start then room.
std::vector<const Talk*> talks_during(const std::vector<Talk>& talks, const std::string& day, int start, int end);

// "HH:MM" of a venue-local "YYYY-MM-DDTHH:MM" (the text itself when it has another shape).
std::string talk_clock(const std::string& local);

// The tag that finds a session's posts on the event's backchannel: "#pycon #os-a-1400" for
// room "A" at "14:00" (room id lower-cased). Without a backchannel only "#os-a-1400".
std::string session_tag(const std::string& backchannel, const std::string& room, const std::string& start);

}  // namespace osb
