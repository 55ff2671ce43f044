// Reading frab / pretalx schedule.xml and the c3voc schedule.json family: what real exports
// do (tests/data/schedules/, see SOURCES.md there) and small documents for each rule.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>

#include "core/talks.hpp"
#include "schedule/schedule.hpp"

using namespace osb;

namespace {

schedule::Parsed ok(const std::string& doc, const std::string& zone = "Europe/Berlin") {
  const VenueClock venue(zone);
  auto r = schedule::parse(doc, venue);
  if (auto* e = std::get_if<Error>(&r)) FAIL_CHECK(e->message);
  REQUIRE(std::holds_alternative<schedule::Parsed>(r));
  return std::get<schedule::Parsed>(r);
}

std::string error_of(const std::string& doc) {
  const VenueClock venue("Europe/Berlin");
  auto r = schedule::parse(doc, venue);
  REQUIRE(std::holds_alternative<Error>(r));
  const Error& e = std::get<Error>(r);
  CHECK(e.code == "invalid");
  CHECK(e.message.find('\n') == std::string::npos);
  return e.message;
}

// A schedule.xml with one day and one room around `events`.
std::string xml_doc(const std::string& events, const std::string& day = "2024-12-27") {
  return "<?xml version='1.0' encoding='utf-8'?>\n<schedule><conference><title>Test</title>"
         "<time_zone_name>UTC</time_zone_name></conference><day index='1' date='" +
         day + "' start='" + day + "T10:00:00+01:00'><room name='Saal 1'>" + events + "</room></day></schedule>";
}

std::string xml_event(const std::string& attrs, const std::string& body) { return "<event " + attrs + ">" + body + "</event>"; }

}  // namespace

TEST_CASE("durations are H:MM, HH:MM or D:HH:MM") {
  CHECK(schedule::parse_duration("0:30") == 30);
  CHECK(schedule::parse_duration("00:30") == 30);
  CHECK(schedule::parse_duration("15:00") == 900);
  CHECK(schedule::parse_duration("1:02:30") == 1440 + 150);
  CHECK_FALSE(schedule::parse_duration("30"));
  CHECK_FALSE(schedule::parse_duration("0:60"));
  CHECK_FALSE(schedule::parse_duration("1:24:00"));
  CHECK_FALSE(schedule::parse_duration("1h"));
  CHECK_FALSE(schedule::parse_duration(""));
  CHECK_FALSE(schedule::parse_duration(":30"));
}

TEST_CASE("datetimes carry their own offset; without one they are venue time") {
  const VenueClock venue("Europe/Berlin");
  const auto a = schedule::parse_datetime("2024-12-28T00:15:00+01:00", venue);
  const auto b = schedule::parse_datetime("2024-12-27T23:15:00Z", venue);
  const auto c = schedule::parse_datetime("2024-12-27T18:15-0500", venue);
  const auto d = schedule::parse_datetime("2024-12-28T00:15", venue);
  REQUIRE(a);
  CHECK(a == b);
  CHECK(a == c);
  CHECK(a == d);
  CHECK(schedule::parse_datetime("2024-12-28T00:15:00.000+01:00", venue) == a);
  CHECK_FALSE(schedule::parse_datetime("2024-12-28", venue));
  CHECK_FALSE(schedule::parse_datetime("2024-12-28T25:00:00+01:00", venue));
  CHECK_FALSE(schedule::parse_datetime("2024-12-28T00:15:00+1", venue));
  CHECK_FALSE(schedule::parse_datetime("2024-12-28T00:15:00+01:00x", venue));
}

TEST_CASE("a talk after midnight belongs to the day it is listed under, at its own date and offset") {
  const auto p = ok(xml_doc(xml_event("guid='late'", "<date>2024-12-28T00:30:00+01:00</date><start>00:30</start>"
                                                     "<duration>01:00</duration><title>Late</title>") +
                            xml_event("guid='utc'", "<title>Offset Z</title><duration>0:45</duration>"
                                                    "<date>2024-12-27T10:00:00Z</date>")));
  REQUIRE(p.talks.size() == 2);
  CHECK(p.talks[0].day == "2024-12-27");
  CHECK(p.talks[0].start == "2024-12-28T00:30");
  CHECK(p.talks[0].end == "2024-12-28T01:30");
  // time_zone_name says UTC; the offsets rule, converted to the venue's zone.
  CHECK(p.talks[1].start == "2024-12-27T11:00");
  CHECK(p.talks[1].end == "2024-12-27T11:45");
  CHECK(p.talks[1].room == "Saal 1");
}

TEST_CASE("without a date, start before the day's own start is past midnight") {
  const auto p = ok(xml_doc(xml_event("id='1'", "<start>23:00</start><duration>1:00</duration><title>A</title>") +
                            xml_event("id='2'", "<start>01:00</start><duration>1:00</duration><title>B</title>")));
  CHECK(p.talks[0].start == "2024-12-27T23:00");
  CHECK(p.talks[1].start == "2024-12-28T01:00");
  CHECK(p.talks[1].day == "2024-12-27");
}

TEST_CASE("only an event's direct children count, in any order; unknown elements are ignored") {
  const auto p = ok(xml_doc(xml_event(
      "guid='g1' id='7'",
      "<links><link><title>Slides (not the title)</title></link></links><unknown>x</unknown>"
      "<persons><person id='1'>Jürgen Ö</person><person><public_name>Zoë</public_name></person></persons>"
      "<track>Science</track><url>https://example.org/t/1</url><title>  Real &amp;\n title </title>"
      "<room>Hörsaal Ä</room><duration>00:30</duration><date>2024-12-27T12:00:00+01:00</date>")));
  REQUIRE(p.talks.size() == 1);
  const Talk& t = p.talks[0];
  CHECK(t.id == "g1");
  CHECK(t.title == "Real & title");
  CHECK(t.room == "Hörsaal Ä");
  CHECK(t.persons == std::vector<std::string>{"Jürgen Ö", "Zoë"});
  CHECK(t.track == "Science");
  CHECK(t.url == "https://example.org/t/1");
  CHECK(t.state == TalkState::Scheduled);
}

TEST_CASE("identity: guid, else id; an identity listed twice is kept apart") {
  const std::string body = "<date>2024-12-27T12:00:00+01:00</date><duration>00:30</duration><title>T</title>";
  const auto p = ok(xml_doc(xml_event("guid='opaque thing' id='1'", body) + xml_event("id='1'", body) +
                            xml_event("id='1'", body) + xml_event("guid='opaque thing'", body)));
  REQUIRE(p.talks.size() == 4);
  CHECK(p.talks[0].id == "opaque thing");
  CHECK(p.talks[1].id == "1");
  CHECK(p.talks[2].id == "1#2");
  CHECK(p.talks[3].id == "opaque thing#2");
}

TEST_CASE("schedule.json: persons as name or public_name, numeric ids, null track, any key order") {
  const std::string doc = R"({"schedule":{"version":"1","conference":{"title":"J","days":[
    {"index":1,"date":"2020-12-14","day_start":"2020-12-14T04:00:00+01:00","rooms":{
      "Gray Room":[{"unknown":{"deep":[1,2]},"title":"One","duration":"0:30","date":"2020-12-14T09:00:00+01:00",
                    "id":25,"persons":[{"public_name":"Brian"},{"name":"Ana"},"Plain"],"track":null,"room":"Gray Room"}],
      "Sála 2":[{"guid":"x-1","id":26,"date":"2020-12-15T00:10:00+01:00","duration":"1:00:00","title":"Two",
                 "track":{"name":"T"}}]}}]}}})";
  const auto p = ok(doc);
  REQUIRE(p.format == schedule::Format::Json);
  REQUIRE(p.talks.size() == 2);
  CHECK(p.talks[0].id == "25");
  CHECK(p.talks[0].persons == std::vector<std::string>{"Brian", "Ana", "Plain"});
  CHECK(p.talks[0].track.empty());
  CHECK(p.talks[1].id == "x-1");
  CHECK(p.talks[1].room == "Sála 2");
  CHECK(p.talks[1].day == "2020-12-14");
  CHECK(p.talks[1].start == "2020-12-15T00:10");
  CHECK(p.talks[1].end == "2020-12-16T00:10");
  CHECK(p.talks[1].track == "T");
}

TEST_CASE("a malformed document is refused with the element or key named") {
  CHECK(error_of("").find("empty") != std::string::npos);
  CHECK(error_of("hello").find("neither") != std::string::npos);
  CHECK(error_of("<schedule><day date='2024-12-27'>").find("not well-formed") != std::string::npos);
  CHECK(error_of("<programme/>").find("<programme>") != std::string::npos);
  CHECK(error_of("<schedule><day date='27.12.2024'/></schedule>").find("@date") != std::string::npos);
  const std::string dur = error_of(xml_doc(xml_event("guid='g'", "<date>2024-12-27T12:00:00+01:00</date><duration>1h</duration><title>T</title>")));
  CHECK(dur.find("/event[@guid=\"g\"]/duration") != std::string::npos);
  CHECK(dur.find("\"1h\"") != std::string::npos);
  CHECK(error_of(xml_doc(xml_event("guid='g'", "<duration>0:30</duration><title>T</title>"))).find("date") != std::string::npos);
  CHECK(error_of(xml_doc(xml_event("guid='g'", "<date>2024-12-27T12:00:00+01:00</date><duration>0:30</duration>")))
            .find("title") != std::string::npos);
  CHECK(error_of(xml_doc(xml_event("", "<date>2024-12-27T12:00:00+01:00</date><duration>0:30</duration><title>T</title>")))
            .find("neither a guid nor an id") != std::string::npos);
  CHECK(error_of(xml_doc(xml_event("guid='g'", "<date>yesterday</date><duration>0:30</duration><title>T</title>")))
            .find("/date") != std::string::npos);
  CHECK(error_of(R"({"schedule":{}})").find("schedule.conference") != std::string::npos);
  CHECK(error_of(R"({"schedule":{"conference":{"days":[{"date":"2020-12-14","rooms":{"A":[{"guid":"g","title":5}]}}]}}})")
            .find("schedule.conference.days[0].rooms.A[0].title") != std::string::npos);
  CHECK(error_of(R"({"schedule":{"conference":{"days":[{"date":"2020-12-14","rooms":{"A":[{"guid":"g","title":"t","date":"2020-12-14T10:00:00Z","duration":"ten"}]}}]}}})")
            .find("rooms.A[0].duration") != std::string::npos);
  CHECK(error_of(R"({"schedule":)").find("not valid JSON") != std::string::npos);
  CHECK(error_of(std::string(100, '[')).find("neither") != std::string::npos);
  CHECK(error_of("{" + std::string(100, '[')).find("deeper") != std::string::npos);
}

TEST_CASE("talks overlapping a slot, across midnight, and the backchannel tag") {
  Talk t;
  t.start = "2024-12-27T23:30";
  t.end = "2024-12-28T00:30";
  CHECK(talk_overlaps(t, "2024-12-27", 23 * 60, 24 * 60));
  CHECK(talk_overlaps(t, "2024-12-28", 0, 60));
  CHECK_FALSE(talk_overlaps(t, "2024-12-28", 30, 60));
  CHECK_FALSE(talk_overlaps(t, "2024-12-27", 22 * 60, 23 * 60 + 30));
  CHECK(session_tag("#pycon", "A", "14:00") == "#pycon #os-a-1400");
  CHECK(session_tag("", "Hall_2", "09:30") == "#os-hall_2-0930");
}
