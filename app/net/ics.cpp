// Placeholder until the calendar export lands.
#include "net/ics.hpp"

namespace osb::ics {

std::string calendar(const Event&, const std::vector<Cell>&, const VenueClock&, const std::string&) {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Open Space Board//EN\r\nEND:VCALENDAR\r\n";
}

std::string csv(const Event&, const std::vector<Cell>&) { return "day,start,end,room,title,host,description,claim_id\r\n"; }

}  // namespace osb::ics
