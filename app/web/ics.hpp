// Open Space Board — iCalendar (RFC 5545) and CSV exports of claimed sessions (and lightning
// talks, evening groups and scheduled talks).
// ICS: CRLF line ends, lines folded at 75 octets (never inside a UTF-8 sequence), `,;\` and
// newlines escaped, stable UIDs (from claim_id), times in the venue's zone with a VTIMEZONE.
// CSV: UTF-8 with a header row, every field quoted, formula injection neutralised.
#pragma once
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"
#include "core/time.hpp"

namespace osb::ics {

// `base_url` (e.g. http://node:8080) is used for each event's URL (base_url + /s/{claim_id}).
std::string calendar(const Event& event, const std::vector<Cell>& claimed, const VenueClock& clock,
                     const std::string& base_url);

// The same with a fixed DTSTAMP (tests and reproducible exports).
std::string calendar(const Event& event, const std::vector<Cell>& claimed, const VenueClock& clock,
                     const std::string& base_url, std::chrono::system_clock::time_point dtstamp);

// With the conference's talks too (GET /calendar.ics?talks=1): one VEVENT per talk (UID from the
// talk's id), a cancelled one with STATUS:CANCELLED so subscribed calendars mark it.
std::string calendar(const Event& event, const std::vector<Cell>& claimed, const std::vector<Talk>& talks,
                     const VenueClock& clock, const std::string& base_url, std::chrono::system_clock::time_point dtstamp);

// GET /calendar.ics: what of the board goes in. The open spaces always; the day's lightning-talk
// sheets and the evening groups by default, since attendees make them on the board itself just
// like the sessions (`?lightning=0`, `?groups=0` leave them out); the conference's talks only
// when asked (`?talks=1`), since they are the imported programme people have elsewhere already.
struct CalendarParts {
  bool talks = false;
  bool lightning = true;
  bool groups = true;
};

// The whole board: its claimed sessions, then each day's lightning sheets (one VEVENT per sheet,
// "Lightning talks", DTSTART the sheet's start, DTEND start + talks × minutes, DESCRIPTION the
// numbered line-up; UID lightning-{day}-{HHMM}@openspace-board), then the evening groups (SUMMARY
// the title, LOCATION where to meet, two hours from their time; UID group-{group_id}@…), then
// the talks, each part as `parts` says.
std::string calendar(const Board& board, const CalendarParts& parts, const VenueClock& clock, const std::string& base_url,
                     std::chrono::system_clock::time_point dtstamp);

// How long a group's VEVENT lasts. A group has a start time only; RFC 5545 3.6.1 makes an
// event without DTEND or DURATION end at its start, which calendar programs show as a zero-length
// mark that is easy to miss. Two hours covers a dinner or a walk.
inline constexpr int kGroupMinutes = 120;

std::string csv(const Event& event, const std::vector<Cell>& claimed);

// [SECTION] Building blocks (exposed for tests)

// RFC 5545 TEXT escaping: `\` `;` `,` and newlines (CR LF, LF or CR become `\n`).
std::string escape_text(std::string_view s);
// One content line folded at 75 octets, continuation lines starting with one space, every line
// ended by CRLF. Never splits a UTF-8 sequence.
std::string fold_line(std::string_view line);
// The zone named in TZID: the event's timezone, else the machine's zone name when it can be
// found (/etc/timezone, the /etc/localtime link, $TZ); empty when none (times are then UTC).
std::string calendar_zone_name(const Event& event);
// One CSV field: quoted, quotes doubled, a leading = + - @ TAB or CR defused with a '.
std::string csv_field(std::string_view s);

}  // namespace osb::ics
