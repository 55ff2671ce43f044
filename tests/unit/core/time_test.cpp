#include <doctest/doctest.h>

#include "core/time.hpp"

using namespace osb;

TEST_CASE("HH:MM parsing is strict") {
  CHECK(parse_hhmm("00:00") == 0);
  CHECK(parse_hhmm("09:05") == 9 * 60 + 5);
  CHECK(parse_hhmm("23:59") == 23 * 60 + 59);
  CHECK_FALSE(parse_hhmm("24:00"));
  CHECK_FALSE(parse_hhmm("9:00"));
  CHECK_FALSE(parse_hhmm("10:60"));
  CHECK_FALSE(parse_hhmm("1000"));
  CHECK_FALSE(parse_hhmm(" 9:00"));
  CHECK_FALSE(parse_hhmm("10:0a"));
  CHECK(format_hhmm(14 * 60 + 5) == "14:05");
}

TEST_CASE("days are real calendar days as YYYY-MM-DD") {
  CHECK(parse_day("2011-03-11"));
  CHECK(parse_day("2024-02-29"));
  CHECK_FALSE(parse_day("2023-02-29"));
  CHECK_FALSE(parse_day("2011-13-01"));
  CHECK_FALSE(parse_day("2011-3-11"));
  CHECK_FALSE(parse_day("4038-08-23"));  // past 2262 a nanosecond time point overflows
  CHECK_FALSE(parse_day("1969-12-31"));
  CHECK(parse_day("2200-12-31"));
  CHECK_FALSE(parse_day("11.03.2011"));
  CHECK(add_days("2011-02-28", 1) == "2011-03-01");
  CHECK(add_days("2011-01-01", -1) == "2010-12-31");
  CHECK(short_day_label("2011-03-11") == "Fri 11");
  CHECK(weekday_name("2011-03-12") == "Saturday");
}

TEST_CASE("a slot is past once its end has gone by, now while it runs") {
  const LocalTime t{"2011-03-11", 10 * 60 + 30, 0};
  CHECK(slot_phase("2011-03-11", 9 * 60, 10 * 60, t) == SlotPhase::Past);
  CHECK(slot_phase("2011-03-11", 10 * 60, 11 * 60, t) == SlotPhase::Now);
  CHECK(slot_phase("2011-03-11", 11 * 60, 12 * 60, t) == SlotPhase::Upcoming);
  CHECK(slot_phase("2011-03-10", 14 * 60, 15 * 60, t) == SlotPhase::Past);
  CHECK(slot_phase("2011-03-12", 9 * 60, 10 * 60, t) == SlotPhase::Upcoming);
  // The end minute itself is past; the start minute is now.
  CHECK(slot_phase("2011-03-11", 9 * 60 + 30, 10 * 60 + 30, t) == SlotPhase::Past);
  CHECK(slot_phase("2011-03-11", 10 * 60 + 30, 11 * 60, t) == SlotPhase::Now);
  CHECK(minutes_between(t, "2011-03-11", 11 * 60) == 30);
  CHECK(minutes_between(t, "2011-03-12", 10 * 60 + 30) == 1440);
}

TEST_CASE("venue clock converts UTC to the venue's wall clock, DST included") {
  VenueClock ny("America/New_York");
  // 2011-03-11 15:00 UTC is 10:00 EST (UTC-5).
  auto t = ny.to_utc("2011-03-11", 10 * 60);
  CHECK(iso_utc(t) == "2011-03-11T15:00:00Z");
  CHECK(ny.local(t).day == "2011-03-11");
  CHECK(ny.local(t).minute == 10 * 60);
  // After the switch to EDT on 2011-03-13, 10:00 is 14:00 UTC.
  CHECK(iso_utc(ny.to_utc("2011-03-14", 10 * 60)) == "2011-03-14T14:00:00Z");
  CHECK(ny.utc_offset_seconds(t) == -5 * 3600);
  CHECK_THROWS_AS(VenueClock("Mars/Olympus_Mons"), std::invalid_argument);
}

TEST_CASE("venue clock skew shifts now") {
  VenueClock utc("UTC");
  const LocalTime a = utc.now();
  utc.set_skew(std::chrono::hours(24));
  const LocalTime b = utc.now();
  CHECK(b.day == add_days(a.day, 1));
}

TEST_CASE("ISO UTC timestamps read back, and are shown in venue time as people read it") {
  const auto t = parse_iso_utc("2030-03-11T13:05:09Z");
  REQUIRE(t);
  CHECK(iso_utc(*t) == "2030-03-11T13:05:09Z");
  for (const char* bad : {"", "2030-03-11 13:05:09Z", "2030-03-11T13:05:09", "2030-03-11T13:05:60Z", "2030-02-30T13:05:09Z",
                          "2030-03-11T24:00:00Z", "2030-03-11T13:05:09.5Z"})
    CHECK_FALSE(parse_iso_utc(bad));
  const VenueClock berlin("Europe/Berlin");  // UTC+1 in March before the change
  CHECK(venue_time_words(berlin, "2030-03-11T13:05:09Z", "2030-03-11") == "14:05:09");
  CHECK(venue_time_words(berlin, "2030-03-11T13:05:09Z", "2030-03-12") == "Mon 11 14:05:09");
  CHECK(venue_time_words(berlin, "2030-03-11T23:30:00Z", "2030-03-12") == "00:30:00");  // already tomorrow there
  const VenueClock tokyo("Asia/Tokyo");
  CHECK(venue_time_words(tokyo, "2030-03-11T13:05:09Z", "2030-03-11") == "22:05:09");
  CHECK(venue_time_words(tokyo, "2030-03-11T16:05:09Z", "2030-03-11") == "Tue 12 01:05:09");
  CHECK(venue_time_words(berlin, "not a time", "2030-03-11") == "not a time");
}
