// Fuzz target: reading a frab / pretalx schedule.xml (pugixml).
// Invariant: every input gives talks or one Error "invalid" of one line; every talk has an id,
// a conference day and venue-local start and end; ids are unique within a document.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>

#include "schedule/schedule.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const osb::VenueClock venue("Europe/Berlin");
  std::string doc = "<";  // steer the detection to this reader
  doc.append(reinterpret_cast<const char*>(data), size);
  auto r = osb::schedule::parse(doc, venue);
  if (auto* e = std::get_if<osb::Error>(&r)) {
    if (e->code != "invalid" || e->message.empty() || e->message.find('\n') != std::string::npos) std::abort();
    return 0;
  }
  std::set<std::string> ids;
  for (const auto& t : std::get<osb::schedule::Parsed>(r).talks) {
    if (t.id.empty() || !ids.insert(t.id).second) std::abort();
    if (!osb::parse_day(t.day) || t.start.size() != 16 || t.end.size() != 16) std::abort();
  }
  return 0;
}
