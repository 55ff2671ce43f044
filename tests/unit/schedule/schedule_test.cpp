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

std::string read_file(const std::string& name) {
  std::ifstream in(std::string(OPENSPACE_SOURCE_DIR) + "/tests/data/schedules/" + name, std::ios::binary);
  REQUIRE(in.good());
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

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

const Talk& by_id(const schedule::Parsed& p, const std::string& id) {
  const auto it = std::find_if(p.talks.begin(), p.talks.end(), [&](const Talk& t) { return t.id == id; });
  REQUIRE(it != p.talks.end());
  return *it;
}

bool unique_ids(const std::vector<Talk>& talks) {
  std::set<std::string> ids;
  for (const auto& t : talks) ids.insert(t.id);
  return ids.size() == talks.size();
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

TEST_CASE("datetimes carry their own offset, without one they are venue time") {
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

TEST_CASE("only an event's direct children count, in any order, unknown elements are ignored") {
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

TEST_CASE("identity: guid, else id, an identity listed twice is kept apart") {
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
  CHECK(error_of(xml_doc(xml_event("guid='g'", "<date>4038-08-23T00:10:00Z</date><duration>0:30</duration><title>T</title>")))
            .find("/date") != std::string::npos);
  CHECK(error_of("<schedule><day date='6024-12-27'/></schedule>").find("@date") != std::string::npos);
  CHECK(error_of(R"({"schedule":)").find("not valid JSON") != std::string::npos);
  CHECK(error_of(std::string(100, '[')).find("neither") != std::string::npos);
  CHECK(error_of("{" + std::string(100, '[')).find("deeper") != std::string::npos);
}

// [SECTION] Real exports (tests/data/schedules/SOURCES.md); times checked by hand

TEST_CASE("38C3 (c3voc frab-style schedule.xml): counts, after-midnight talks, non-ASCII names") {
  const auto p = ok(read_file("38c3-frab.xml"));
  CHECK(p.format == schedule::Format::Xml);
  CHECK(p.conference == "38C3");
  CHECK(p.talks.size() == 310);
  CHECK(unique_ids(p.talks));
  // Listed under 27 December, given as 2024-12-28T00:15:00+01:00 for 40 minutes.
  const Talk& t = by_id(p, "1c8f06f9-ce0d-51bc-9bf3-0a1f71e8e484");
  CHECK(t.day == "2024-12-27");
  CHECK(t.start == "2024-12-28T00:15");
  CHECK(t.end == "2024-12-28T00:55");
  CHECK(t.room == "Saal 1");
  const Talk& fnord = by_id(p, "19b141f2-0f27-5d84-9e90-0d2474d37b7e");
  CHECK(fnord.title == "Fnord-Nachrichtenrückblick 2024");
  CHECK(fnord.day == "2024-12-27");
  CHECK(fnord.start == "2024-12-28T01:10");
  CHECK(fnord.end == "2024-12-28T02:40");
  CHECK(by_id(p, "4bf7f17e-2158-5b5b-b274-0b595f800371").title.starts_with("Blåmba! ☎️"));
  CHECK(std::any_of(p.talks.begin(), p.talks.end(), [](const Talk& x) { return x.room == "Saal A - Lötstationen Station 1"; }));
}

TEST_CASE("RomHack Camp 2026 (pretalx schedule.xml): a 15-hour workshop and sets past midnight") {
  const auto p = ok(read_file("romhack-camp-2026-pretalx.xml"), "Europe/Rome");
  CHECK(p.talks.size() == 10);
  CHECK(unique_ids(p.talks));
  const Talk& ctf = by_id(p, "5642155c-3d83-58df-8c2e-ad348d7ea737");
  CHECK(ctf.start == "2026-10-02T17:00");
  CHECK(ctf.end == "2026-10-03T08:00");
  const Talk& dj = by_id(p, "ff2b4a74-f281-520d-8470-088d727a707e");
  CHECK(dj.day == "2026-10-02");
  CHECK(dj.end == "2026-10-03T00:30");
  CHECK(by_id(p, "ad86b14a-57f8-5f1f-991c-8b46f202047f").title ==
        "Presentazione libro \"L'inganno dell'Automa\" di Carola Frediani");
  CHECK(by_id(p, "56d822d2-1f7e-5799-a21e-5136064328cc").persons == std::vector<std::string>{"Cyber Saiyan", "fibonhack"});
}

TEST_CASE("36C3 merged schedule.xml: guids and ids that repeat stay separate talks") {
  const auto p = ok(read_file("36c3-merged.xml"));
  CHECK(p.talks.size() == 110);
  CHECK(unique_ids(p.talks));
  // The same workshop listed twice under one guid: two talks, the second marked #2.
  const Talk& a = by_id(p, "81f5f0c4-3d35-522c-8f1c-c8825b92f00a");
  const Talk& b = by_id(p, "81f5f0c4-3d35-522c-8f1c-c8825b92f00a#2");
  CHECK(a.start == "2019-12-27T16:10");
  CHECK(b.start == "2019-12-27T17:15");
  const Talk& jeopardy = by_id(p, "d1b8ed3f-2c22-47d2-9aca-0f9d3cf48eb8");
  CHECK(jeopardy.day == "2019-12-27");
  CHECK(jeopardy.start == "2019-12-28T00:50");
  CHECK(jeopardy.end == "2019-12-28T02:50");
}

TEST_CASE("schedule.json exports: frab camp2019, pretalx democon (time_zone_name wrong) and rc3 (missing)") {
  const auto camp = ok(read_file("frab-camp2019.json"));
  CHECK(camp.talks.size() == 79);
  CHECK(unique_ids(camp.talks));
  const Talk& late = by_id(camp, "ed4b6c75-14f4-49fe-a11e-3762bd6b54e3");
  CHECK(late.day == "2019-08-22");
  CHECK(late.start == "2019-08-22T23:00");
  CHECK(late.end == "2019-08-23T00:30");
  CHECK(std::any_of(camp.talks.begin(), camp.talks.end(), [](const Talk& t) {
    return std::find(t.persons.begin(), t.persons.end(), "Chris Köver") != t.persons.end();
  }));

  const auto demo = ok(read_file("pretalx-democon.json"));
  CHECK(demo.talks.size() == 36);
  const Talk& first = by_id(demo, "8079583e-8321-506c-95af-fd2903a5f075");
  CHECK(first.start == "2020-12-14T09:00");  // "UTC" says the file; +01:00 say the times
  CHECK(first.persons == std::vector<std::string>{"Brian Robinson"});

  const auto rc3 = ok(read_file("pretalx-rc3.json"));
  CHECK(rc3.talks.size() == 48);
  const Talk& r = by_id(rc3, "c3642671-4c1f-5109-81ba-0535c1cc8428");
  CHECK(r.start == "2020-12-27T11:30");
  CHECK(r.end == "2020-12-27T12:10");
  CHECK(r.room == "r3s - Monheim/Rhein");
}

// [SECTION] Merging an import into the board's talks

TEST_CASE("merge: a second import changes nothing, an edited copy updates and cancels exactly those") {
  const auto p = ok(read_file("romhack-camp-2026-pretalx.xml"), "Europe/Rome");
  const TalkMerge first = merge_talks({}, p.talks);
  CHECK(first.added == 10);
  std::vector<Talk> board;
  for (const auto& i : first.changes) board.push_back(i.talk);
  const TalkMerge again = merge_talks(board, p.talks);
  CHECK(again.unchanged == 10);
  CHECK(again.changes.empty());

  std::string edited = read_file("romhack-camp-2026-pretalx.xml");
  const auto moved = edited.find("<date>2026-10-04T12:30:00+02:00</date>");
  REQUIRE(moved != std::string::npos);
  edited.replace(moved, 39, "<date>2026-10-04T13:30:00+02:00</date>");
  const auto cut_from = edited.find("<event guid='7527ff27-94e7-5fa4-abe4-7942ad80bd8f'");
  const auto cut_to = edited.find("</event>", cut_from) + 8;
  edited.erase(cut_from, cut_to - cut_from);
  const auto q = ok(edited, "Europe/Rome");
  const TalkMerge m = merge_talks(board, q.talks);
  CHECK(m.talks == 9);
  CHECK(m.updated == 1);
  CHECK(m.cancelled == 1);
  CHECK(m.added == 0);
  CHECK(m.unchanged == 8);
  REQUIRE(m.changes.size() == 2);
  CHECK(m.changes[0].talk.id == "fb41af49-1448-5da8-9aac-312aaae73711");
  CHECK(m.changes[0].talk.start == "2026-10-04T13:30");
  CHECK(m.changes[1].change == TalkChange::Cancelled);
  CHECK(m.changes[1].talk.id == "7527ff27-94e7-5fa4-abe4-7942ad80bd8f");
  CHECK(m.changes[1].talk.state == TalkState::Cancelled);
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
