// Open Space Board — validation of everything a person or a client can send.
// The rules are the contract's (docs/api.md): claim ids, text fields measured in Unicode code
// points after trimming, strict UTF-8, no control characters. Expected failures are values.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/model.hpp"

namespace osb {

// An expected failure: a contract error code ("invalid", "taken", ...) and one human sentence.
struct Error {
  std::string code;
  std::string message;
};

inline constexpr std::size_t kTitleMax = 80;
inline constexpr std::size_t kHostMax = 40;
inline constexpr std::size_t kDescriptionMax = 280;
inline constexpr std::size_t kLabelMax = 40;
inline constexpr std::size_t kAnnouncementMax = 200;
inline constexpr std::size_t kSpeakerMax = 40;
inline constexpr std::size_t kWhereMax = 80;
inline constexpr int kSeatsMin = 2;
inline constexpr int kSeatsMax = 40;
inline constexpr std::size_t kClaimIdMin = 8;
inline constexpr std::size_t kClaimIdMax = 64;

enum class TextProblem { None, Empty, TooLong, BadUtf8, Control };

struct TextCheck {
  TextProblem problem = TextProblem::None;
  std::size_t length = 0;  // code points after trimming (0 when not valid UTF-8)
  bool ok() const { return problem == TextProblem::None; }
};

// Checks a text field as the contract measures it: trimmed, valid UTF-8, no control characters,
// between min and max code points. Does not modify the text.
TextCheck check_text(std::string_view text, std::size_t min, std::size_t max);

// One sentence naming the field, e.g. "title is too long: 81 characters, at most 80."
std::string describe(const TextCheck& check, std::string_view field, std::size_t min, std::size_t max);

// 8–64 characters of [A-Za-z0-9_-].
bool is_valid_claim_id(std::string_view id);
// [A-Za-z0-9_-]{1,16}.
bool is_valid_room_id(std::string_view id);

// The canonical text of an IPv4 or IPv6 address ("127.0.0.1", "::1", "2001:db8::1"), or nullopt.
// An IPv4-mapped IPv6 address ("::ffff:10.0.0.1") is given as IPv4, so one client has one name.
std::optional<std::string> canonical_ip(std::string_view text);

// Trims title/host/description in place and checks every field of a claim's shape.
// Whether day/room/start exist is the caller's question (404, not 400).
std::optional<Error> normalize_claim(Claim& claim);

// Trims title/speaker and checks a lightning sign-up's shape (ids like claim ids, title 1–80,
// speaker 1–40, day a date, start "HH:MM"). Whether the sheet exists is the caller's question.
std::optional<Error> normalize_signup(LightningSignup& s);

// Trims and checks a group's shape: group_id, day, time "HH:MM", title 1–80, where 1–80,
// seats 2–40, host 1–40, continues empty or a claim id.
std::optional<Error> normalize_group(Group& g);

// Trims and checks a block label (1–40).
std::optional<Error> normalize_label(std::string& label);

// Trims and checks an announcement text (0–200) and its optional "HH:MM" until.
std::optional<Error> normalize_announcement(Announcement& a);

}  // namespace osb
