#include "core/validate.hpp"

#include <arpa/inet.h>

#include <algorithm>

#include "core/text.hpp"
#include "core/time.hpp"

namespace osb {

TextCheck check_text(std::string_view text, std::size_t min, std::size_t max) {
  TextCheck c;
  if (!is_valid_utf8(text)) { c.problem = TextProblem::BadUtf8; return c; }
  const std::string t = trim(text);
  c.length = count_code_points(t);
  if (has_control_character(t)) c.problem = TextProblem::Control;
  else if (c.length < min) c.problem = TextProblem::Empty;
  else if (c.length > max) c.problem = TextProblem::TooLong;
  return c;
}

std::string describe(const TextCheck& check, std::string_view field, std::size_t min, std::size_t max) {
  std::string f(field);
  switch (check.problem) {
    case TextProblem::None: return {};
    case TextProblem::BadUtf8: return f + " is not valid UTF-8 text.";
    case TextProblem::Control: return f + " contains a control character.";
    case TextProblem::Empty:
      return min <= 1 ? f + " is empty." : f + " needs at least " + std::to_string(min) + " characters.";
    case TextProblem::TooLong:
      return f + " is too long: " + std::to_string(check.length) + " characters, at most " + std::to_string(max) + ".";
  }
  return {};
}

namespace {
bool is_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}
bool all_id_chars(std::string_view s) {
  for (char c : s)
    if (!is_id_char(c)) return false;
  return true;
}
std::optional<Error> normalize_field(std::string& value, std::string_view field, std::size_t min, std::size_t max) {
  const TextCheck c = check_text(value, min, max);
  if (!c.ok()) return Error{"invalid", describe(c, field, min, max)};
  value = trim(value);
  return std::nullopt;
}
}  // namespace

bool is_valid_claim_id(std::string_view id) {
  return id.size() >= kClaimIdMin && id.size() <= kClaimIdMax && all_id_chars(id);
}

bool is_valid_room_id(std::string_view id) { return !id.empty() && id.size() <= 16 && all_id_chars(id); }

std::optional<Error> normalize_claim(Claim& claim) {
  if (!is_valid_claim_id(claim.claim_id))
    return Error{"invalid", "claim_id must be 8 to 64 characters of A-Z, a-z, 0-9, '_' or '-'."};
  if (auto e = normalize_field(claim.title, "title", 1, kTitleMax)) return e;
  if (auto e = normalize_field(claim.host, "host", 1, kHostMax)) return e;
  if (auto e = normalize_field(claim.description, "description", 0, kDescriptionMax)) return e;
  for (const std::string* s : {&claim.day, &claim.room, &claim.start})
    if (!is_valid_utf8(*s) || has_control_character(*s))
      return Error{"invalid", "day, room and start must be plain text."};
  return std::nullopt;
}

std::optional<Error> normalize_signup(LightningSignup& s) {
  if (!is_valid_claim_id(s.signup_id))
    return Error{"invalid", "signup_id must be 8 to 64 characters of A-Z, a-z, 0-9, '_' or '-'."};
  if (auto e = normalize_field(s.title, "title", 1, kTitleMax)) return e;
  if (auto e = normalize_field(s.speaker, "speaker", 1, kSpeakerMax)) return e;
  for (const std::string* f : {&s.day, &s.start})
    if (!is_valid_utf8(*f) || has_control_character(*f)) return Error{"invalid", "day and start must be plain text."};
  return std::nullopt;
}

std::optional<Error> normalize_group(Group& g) {
  if (!is_valid_claim_id(g.group_id))
    return Error{"invalid", "group_id must be 8 to 64 characters of A-Z, a-z, 0-9, '_' or '-'."};
  if (!parse_day(g.day)) return Error{"invalid", "day must be a date as YYYY-MM-DD."};
  if (!parse_hhmm(g.time)) return Error{"invalid", "time must be a time of day as HH:MM, e.g. 19:30."};
  if (auto e = normalize_field(g.title, "title", 1, kTitleMax)) return e;
  if (auto e = normalize_field(g.where, "where", 1, kWhereMax)) return e;
  if (auto e = normalize_field(g.host, "host", 1, kHostMax)) return e;
  if (g.seats < kSeatsMin || g.seats > kSeatsMax)
    return Error{"invalid", "seats must be a whole number from 2 to 40."};
  if (!g.continues.empty() && !is_valid_claim_id(g.continues))
    return Error{"invalid", "continues must be the claim_id of an open space."};
  return std::nullopt;
}

std::optional<Error> normalize_label(std::string& label) { return normalize_field(label, "label", 1, kLabelMax); }

std::optional<Error> normalize_announcement(Announcement& a) {
  if (auto e = normalize_field(a.text, "text", 0, kAnnouncementMax)) return e;
  if (!a.until.empty() && !parse_hhmm(a.until))
    return Error{"invalid", "until must be a time of day as HH:MM, e.g. 18:00."};
  return std::nullopt;
}

std::optional<std::string> canonical_ip(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  const std::string t(text);
  char out[INET6_ADDRSTRLEN];
  unsigned char v4[4];
  if (::inet_pton(AF_INET, t.c_str(), v4) == 1) return std::string(::inet_ntop(AF_INET, v4, out, sizeof out));
  unsigned char v6[16];
  if (::inet_pton(AF_INET6, t.c_str(), v6) != 1) return std::nullopt;
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(mapped, mapped + 12, v6)) return std::string(::inet_ntop(AF_INET, v6 + 12, out, sizeof out));
  return std::string(::inet_ntop(AF_INET6, v6, out, sizeof out));
}

}  // namespace osb
