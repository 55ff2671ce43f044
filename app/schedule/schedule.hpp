// Open Space Board — reading a conference programme: frab / pretalx `schedule.xml` and the
// c3voc `schedule.json` family (pretalx and frab export both), detected from the content.
// Pure: bytes in, talks or an error out. No file or network access, no external entities.
//
// What real exports do, and what this reader does about it:
//   - identity: `guid` (any opaque text), else `id`; an identity listed twice in one document
//     gets "#2", "#3", ... so that nothing is merged by accident and a re-import is stable;
//   - times: each event's own `date` with its UTC offset, converted to venue time; the day
//     it is listed under is its conference day (a talk at 00:30 belongs to the day before);
//     offsets may differ between events; `time_zone_name` is ignored (it is often missing or
//     wrong). A `date` without an offset is venue time. Without a `date`, the day's date plus
//     `start` (the next calendar day when `start` is before the day's own start time);
//   - durations `H:MM`, `HH:MM`, `D:HH:MM`;
//   - only an event's direct children (or keys) are read, in any order; unknown ones are
//     ignored; persons as text, `name` or `public_name`; room names are free UTF-8 text.
// A malformed document gives Error{"invalid", one sentence naming the element or key}.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/model.hpp"
#include "core/time.hpp"
#include "core/validate.hpp"

namespace osb::schedule {

enum class Format { Xml, Json };
const char* to_string(Format f);

struct Parsed {
  Format format = Format::Xml;
  std::string conference;  // its title, when it has one
  std::vector<Talk> talks;  // in document order, state Scheduled, seq 0
};

// Largest document read (the node's PUT /api/v1/schedule limit).
inline constexpr std::size_t kMaxDocument = 8 * 1024 * 1024;

std::variant<Parsed, Error> parse(std::string_view document, const VenueClock& venue);

// "H:MM", "HH:MM" or "D:HH:MM" -> minutes. Rejects anything else (minutes above 59 too).
std::optional<int> parse_duration(std::string_view s);

// ISO 8601 "YYYY-MM-DDTHH:MM[:SS[.fff]][Z|+HH:MM|+HHMM|+HH]" -> the UTC instant. Without an
// offset the time is venue time.
std::optional<VenueClock::TimePoint> parse_datetime(std::string_view s, const VenueClock& venue);

}  // namespace osb::schedule
