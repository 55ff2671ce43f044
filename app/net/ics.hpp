// Open Space Board — iCalendar (RFC 5545) and CSV exports of claimed sessions.
// ICS: CRLF line ends, lines folded at 75 octets (never inside a UTF-8 sequence), `,;\` and
// newlines escaped, stable UIDs (from claim_id), times in the venue's zone with a VTIMEZONE.
// CSV: UTF-8 with a header row, every field quoted, formula injection neutralised.
#pragma once
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/time.hpp"

namespace osb::ics {

// `base_url` (e.g. http://node:8080) is used for each event's URL (base_url + /s/{claim_id}).
std::string calendar(const Event& event, const std::vector<Cell>& claimed, const VenueClock& clock,
                     const std::string& base_url);

std::string csv(const Event& event, const std::vector<Cell>& claimed);

}  // namespace osb::ics
