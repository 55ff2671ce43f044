// Fuzz target: UTF-8 and text-field validation (app/core/text, validate).
// Invariants: validation never crashes; text judged valid stays valid after trimming, prefixing
// and backspacing; check_text's length agrees with count_code_points of the trimmed text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/text.hpp"
#include "core/validate.hpp"

#define REQUIRE_FUZZ(cond) \
  do {                     \
    if (!(cond)) std::abort(); \
  } while (0)

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string s(reinterpret_cast<const char*>(data), size);
  const bool valid = osb::is_valid_utf8(s);
  const osb::TextCheck c = osb::check_text(s, 1, 80);
  if (!valid) {
    REQUIRE_FUZZ(c.problem == osb::TextProblem::BadUtf8);
    return 0;
  }
  const std::string t = osb::trim(s);
  REQUIRE_FUZZ(osb::is_valid_utf8(t));
  REQUIRE_FUZZ(c.length == osb::count_code_points(t));
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{80}}) {
    const auto p = osb::prefix_code_points(s, n);
    REQUIRE_FUZZ(osb::is_valid_utf8(p));
    REQUIRE_FUZZ(osb::count_code_points(p) == std::min(n, osb::count_code_points(s)));
  }
  std::string b = s;
  osb::pop_code_point(b);
  REQUIRE_FUZZ(osb::is_valid_utf8(b));
  (void)osb::has_control_character(s);
  osb::Claim claim{"fuzz-claim-id", "2030-01-01", "A", "10:00", s, s, s};
  if (!osb::normalize_claim(claim)) {
    // Accepted text is trimmed, valid, free of control characters, within limits.
    REQUIRE_FUZZ(osb::is_valid_utf8(claim.title) && !osb::has_control_character(claim.title));
    REQUIRE_FUZZ(osb::count_code_points(claim.host) <= osb::kHostMax);
    REQUIRE_FUZZ(!osb::normalize_claim(claim));  // idempotent
  }
  return 0;
}
