// Open Space Board — the venue's wall clock.
// Times of day are "HH:MM" (24 h, two digits each); days are ISO "YYYY-MM-DD". Everything a
// person sees is venue time: event.toml `timezone`, else the machine's. A slot is past once its
// end has gone by; "now" while start <= t < end.
#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace osb {

// "HH:MM" -> minutes after midnight. Rejects "24:00", "9:00", "10:60", "1000", " 9:00".
std::optional<int> parse_hhmm(std::string_view s);
// Minutes after midnight -> "HH:MM".
std::string format_hhmm(int minutes);

struct CivilDay {
  int year = 0, month = 0, day = 0;
};
// "YYYY-MM-DD" of a real date in the years 1970-2200; anything else is nullopt.
std::optional<CivilDay> parse_day(std::string_view s);
std::string format_day(const CivilDay& d);
// The day `n` days after `day` (n may be negative). `day` must be valid.
std::string add_days(std::string_view day, int n);
// 0 = Monday .. 6 = Sunday.
int weekday(std::string_view day);
// "Sat 12" — short label for day tabs.
std::string short_day_label(std::string_view day);
// "Saturday" — for sentences.
std::string weekday_name(std::string_view day);

// A moment on the venue's wall clock.
struct LocalTime {
  std::string day;  // "YYYY-MM-DD"
  int minute = 0;   // minutes after midnight
  int second = 0;   // seconds within the minute
};

enum class SlotPhase { Past, Now, Upcoming };

// Where a slot of `day` (start..end minutes) stands at `now`.
SlotPhase slot_phase(std::string_view day, int start, int end, const LocalTime& now);

// Minutes from `now` until `minute` of `day` (negative when it has gone by).
long minutes_between(const LocalTime& now, std::string_view day, int minute);

// Converts between UTC instants and the venue's wall clock. Built from an IANA zone name
// (empty = the machine's zone). Thread-safe after construction.
class VenueClock {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  // Throws std::invalid_argument for an unknown zone name.
  explicit VenueClock(const std::string& timezone = "");
  ~VenueClock();
  VenueClock(VenueClock&&) noexcept;
  VenueClock& operator=(VenueClock&&) noexcept;

  const std::string& zone_name() const { return zone_name_; }

  // The venue's wall clock now (system clock plus `skew`, used by tests of wrong clocks).
  LocalTime now() const;
  LocalTime local(TimePoint t) const;
  // The UTC instant of a wall-clock time at the venue (the earlier one when ambiguous).
  TimePoint to_utc(std::string_view day, int minute) const;
  // Offset of venue time from UTC at instant t, in seconds.
  long utc_offset_seconds(TimePoint t) const;

  void set_skew(std::chrono::seconds skew) { skew_ = skew; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string zone_name_;
  std::chrono::seconds skew_{0};
};

// ISO 8601 UTC timestamp "2011-03-11T14:05:09Z".
std::string iso_utc(std::chrono::system_clock::time_point t);
// The reverse, for exactly that form ("…Z", seconds, no fraction); nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> parse_iso_utc(std::string_view s);
// An ISO UTC timestamp in venue time, as people read it: "14:05:09" on `today` (a venue day),
// "Fri 11 14:05:09" on another day. Text that is not such a timestamp comes back unchanged.
std::string venue_time_words(const VenueClock& clock, std::string_view iso, std::string_view today);

}  // namespace osb
