#include "core/time.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace osb {

namespace {
bool digit(char c) { return c >= '0' && c <= '9'; }
int two(std::string_view s, std::size_t i) { return (s[i] - '0') * 10 + (s[i + 1] - '0'); }
date::year_month_day to_ymd(std::string_view day) {
  const auto d = parse_day(day);
  if (!d) throw std::invalid_argument("not a day: " + std::string(day));
  return date::year{d->year} / date::month{static_cast<unsigned>(d->month)} / date::day{static_cast<unsigned>(d->day)};
}
}  // namespace

std::optional<int> parse_hhmm(std::string_view s) {
  if (s.size() != 5 || s[2] != ':' || !digit(s[0]) || !digit(s[1]) || !digit(s[3]) || !digit(s[4])) return std::nullopt;
  const int h = two(s, 0), m = two(s, 3);
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

std::string format_hhmm(int minutes) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", (minutes / 60) % 100, minutes % 60);
  return buf;
}

std::optional<CivilDay> parse_day(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!digit(s[i])) return std::nullopt;
  CivilDay d{two(s, 0) * 100 + two(s, 2), two(s, 5), two(s, 8)};
  // Years a conference can have; beyond 2262 a nanosecond system_clock time point overflows.
  if (d.year < 1970 || d.year > 2200) return std::nullopt;
  const date::year_month_day ymd{date::year{d.year}, date::month{static_cast<unsigned>(d.month)},
                                 date::day{static_cast<unsigned>(d.day)}};
  if (!ymd.ok()) return std::nullopt;
  return d;
}

std::string format_day(const CivilDay& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year % 10000, d.month % 100, d.day % 100);
  return buf;
}

std::string add_days(std::string_view day, int n) {
  const date::sys_days sd = date::sys_days{to_ymd(day)} + date::days{n};
  const date::year_month_day ymd{sd};
  return format_day({int(ymd.year()), int(unsigned(ymd.month())), int(unsigned(ymd.day()))});
}

int weekday(std::string_view day) {
  const date::weekday wd{date::sys_days{to_ymd(day)}};
  return static_cast<int>((wd.c_encoding() + 6) % 7);
}

std::string short_day_label(std::string_view day) {
  static const char* names[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  const auto d = parse_day(day);
  if (!d) return std::string(day);
  return std::string(names[weekday(day)]) + " " + std::to_string(d->day);
}

std::string weekday_name(std::string_view day) {
  static const char* names[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  if (!parse_day(day)) return std::string(day);
  return names[weekday(day)];
}

SlotPhase slot_phase(std::string_view day, int start, int end, const LocalTime& now) {
  if (day < now.day) return SlotPhase::Past;
  if (day > now.day) return SlotPhase::Upcoming;
  if (now.minute >= end) return SlotPhase::Past;
  if (now.minute >= start) return SlotPhase::Now;
  return SlotPhase::Upcoming;
}

long minutes_between(const LocalTime& now, std::string_view day, int minute) {
  const auto a = date::sys_days{to_ymd(now.day)};
  const auto b = date::sys_days{to_ymd(day)};
  return static_cast<long>((b - a).count()) * 1440 + (minute - now.minute);
}

// [SECTION] VenueClock

struct VenueClock::Impl {
  const date::time_zone* zone = nullptr;  // null: the machine's zone via localtime_r
};

VenueClock::VenueClock(const std::string& timezone) : impl_(std::make_unique<Impl>()), zone_name_(timezone) {
  if (!timezone.empty()) {
    try {
      impl_->zone = date::locate_zone(timezone);
    } catch (const std::exception&) {
      throw std::invalid_argument("\"" + timezone + "\" is not a known IANA time zone");
    }
  }
}
VenueClock::~VenueClock() = default;
VenueClock::VenueClock(VenueClock&&) noexcept = default;
VenueClock& VenueClock::operator=(VenueClock&&) noexcept = default;

LocalTime VenueClock::now() const { return local(std::chrono::system_clock::now() + skew_); }

LocalTime VenueClock::local(TimePoint t) const {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  long long local_secs;
  if (impl_->zone) {
    const auto lt = impl_->zone->to_local(secs);
    local_secs = lt.time_since_epoch().count();
  } else {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    localtime_r(&tt, &tm);
    local_secs = static_cast<long long>(tt) + tm.tm_gmtoff;
  }
  const auto days = date::floor<date::days>(date::sys_seconds{std::chrono::seconds{local_secs}});
  const long long rem = local_secs - std::chrono::duration_cast<std::chrono::seconds>(days.time_since_epoch()).count();
  const date::year_month_day ymd{days};
  LocalTime out;
  out.day = format_day({int(ymd.year()), int(unsigned(ymd.month())), int(unsigned(ymd.day()))});
  out.minute = static_cast<int>(rem / 60);
  out.second = static_cast<int>(rem % 60);
  return out;
}

VenueClock::TimePoint VenueClock::to_utc(std::string_view day, int minute) const {
  const date::local_seconds ls = date::local_days{to_ymd(day)} + std::chrono::minutes{minute};
  if (impl_->zone) {
    const auto info = impl_->zone->get_info(ls);
    const auto offset = info.result == date::local_info::nonexistent ? info.first.offset : info.first.offset;
    return TimePoint{ls.time_since_epoch() - offset};
  }
  std::tm tm{};
  const date::year_month_day ymd = to_ymd(day);
  tm.tm_year = int(ymd.year()) - 1900;
  tm.tm_mon = int(unsigned(ymd.month())) - 1;
  tm.tm_mday = int(unsigned(ymd.day()));
  tm.tm_hour = minute / 60;
  tm.tm_min = minute % 60;
  tm.tm_isdst = -1;
  return std::chrono::system_clock::from_time_t(std::mktime(&tm));
}

long VenueClock::utc_offset_seconds(TimePoint t) const {
  if (impl_->zone) {
    const auto info = impl_->zone->get_info(std::chrono::floor<std::chrono::seconds>(t));
    return static_cast<long>(info.offset.count());
  }
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  return tm.tm_gmtoff;
}

std::string iso_utc(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<std::chrono::system_clock::time_point> parse_iso_utc(std::string_view s) {
  // "YYYY-MM-DDTHH:MM:SSZ"
  if (s.size() != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z') return std::nullopt;
  const auto day = parse_day(s.substr(0, 10));
  const auto hhmm = parse_hhmm(s.substr(11, 5));
  const char s1 = s[17], s2 = s[18];
  if (!day || !hhmm || s1 < '0' || s1 > '5' || s2 < '0' || s2 > '9') return std::nullopt;
  const date::sys_days d = date::year{day->year} / date::month{static_cast<unsigned>(day->month)} /
                           date::day{static_cast<unsigned>(day->day)};
  return std::chrono::system_clock::time_point(d) + std::chrono::minutes(*hhmm) +
         std::chrono::seconds((s1 - '0') * 10 + (s2 - '0'));
}

std::string venue_time_words(const VenueClock& clock, std::string_view iso, std::string_view today) {
  const auto t = parse_iso_utc(iso);
  if (!t) return std::string(iso);
  const LocalTime lt = clock.local(*t);
  char hms[16];
  std::snprintf(hms, sizeof hms, "%s:%02d", format_hhmm(lt.minute).c_str(), lt.second);
  return lt.day == today ? std::string(hms) : short_day_label(lt.day) + " " + hms;
}

}  // namespace osb
