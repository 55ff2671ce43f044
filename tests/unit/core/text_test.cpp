#include <doctest/doctest.h>

#include "core/text.hpp"

using namespace osb;

TEST_CASE("valid UTF-8 is accepted in every script") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ascii"));
  CHECK(is_valid_utf8("José Łukasz Σοφία Юлия"));
  CHECK(is_valid_utf8("\xF0\x9F\x8E\x89"));  // U+1F389, four bytes
  CHECK(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
}

TEST_CASE("ill-formed UTF-8 is rejected: overlongs, surrogates, truncation, stray bytes") {
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong, three bytes
  CHECK_FALSE(is_valid_utf8("\xF0\x80\x80\xAF"));  // overlong, four bytes
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // U+D800, a surrogate
  CHECK_FALSE(is_valid_utf8("\xED\xBF\xBF"));      // U+DFFF
  CHECK_FALSE(is_valid_utf8("Jos\xC3"));           // truncated at the end
  CHECK_FALSE(is_valid_utf8("\xE2\x82"));          // truncated three-byte sequence
  CHECK_FALSE(is_valid_utf8("\x80"));              // lone continuation byte
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xFF"));
}

TEST_CASE("code points are counted, not bytes") {
  CHECK(count_code_points("José") == 4);
  CHECK(count_code_points("Σοφία") == 5);
  CHECK(count_code_points("\xF0\x9F\x8E\x89") == 1);
}

TEST_CASE("trim removes spaces, tabs and newlines at both ends only") {
  CHECK(trim("  \t\nHello world \r\n") == "Hello world");
  CHECK(trim("\t\t") == "");
  CHECK(trim("a  b") == "a  b");
}

TEST_CASE("control characters are found: C0, DEL, C1, line separators") {
  CHECK(has_control_character("a\tb"));
  CHECK(has_control_character("a\x7f"));
  CHECK(has_control_character("a\xC2\x85"));      // U+0085 NEL
  CHECK(has_control_character("a\xE2\x80\xA8"));  // U+2028
  CHECK_FALSE(has_control_character("Юлия – José"));
}

TEST_CASE("prefix and backspace never cut inside a sequence") {
  CHECK(prefix_code_points("Σοφία", 2) == "Σο");
  CHECK(prefix_code_points("ab", 5) == "ab");
  std::string s = "Łukasz Ł";
  pop_code_point(s);
  CHECK(s == "Łukasz ");
  std::string e;
  pop_code_point(e);
  CHECK(e.empty());
}
