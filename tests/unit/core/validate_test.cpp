#include <doctest/doctest.h>

#include "core/validate.hpp"

using namespace osb;

namespace {
std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}
Claim good() { return Claim{"abcdefgh", "2030-03-11", "A", "10:00", "Title", "Host", ""}; }
}  // namespace

TEST_CASE("claim_id: 8 to 64 of [A-Za-z0-9_-]") {
  CHECK(is_valid_claim_id("abcdefgh"));
  CHECK(is_valid_claim_id(repeat("a", 64)));
  CHECK(is_valid_claim_id("room-a_0123"));
  CHECK_FALSE(is_valid_claim_id("abcdefg"));
  CHECK_FALSE(is_valid_claim_id(repeat("a", 65)));
  CHECK_FALSE(is_valid_claim_id("abcd efgh"));
  CHECK_FALSE(is_valid_claim_id("abcdéfgh"));
  CHECK_FALSE(is_valid_claim_id("abcd/efgh"));
}

TEST_CASE("title: exactly 80 code points of multi-byte text passes, 81 fails") {
  Claim c = good();
  c.title = repeat("Σ", 80);
  CHECK_FALSE(normalize_claim(c).has_value());
  c.title = repeat("Σ", 81);
  const auto e = normalize_claim(c);
  REQUIRE(e.has_value());
  CHECK(e->code == "invalid");
  CHECK(e->message.find("title") != std::string::npos);
  CHECK(e->message.find("81") != std::string::npos);
}

TEST_CASE("host 1-40 and description 0-280 are measured after trimming") {
  Claim c = good();
  c.host = "  " + repeat("ю", 40) + "\n\t";
  CHECK_FALSE(normalize_claim(c).has_value());
  CHECK(c.host == repeat("ю", 40));
  c.host = repeat("ю", 41);
  CHECK(normalize_claim(c)->message.find("host") != std::string::npos);
  c = good();
  c.description = repeat("é", 280);
  CHECK_FALSE(normalize_claim(c).has_value());
  c.description = repeat("é", 281);
  CHECK(normalize_claim(c)->message.find("description") != std::string::npos);
}

TEST_CASE("a title of only white space is empty") {
  Claim c = good();
  c.title = " \t\n ";
  const auto e = normalize_claim(c);
  REQUIRE(e);
  CHECK(e->message == "title is empty.");
}

TEST_CASE("control characters left after trimming are rejected, invalid UTF-8 too") {
  Claim c = good();
  c.title = "\tline one\nline two\n";
  CHECK(normalize_claim(c)->message.find("control") != std::string::npos);
  c = good();
  c.host = "Jos\xC3";
  CHECK(normalize_claim(c)->message.find("UTF-8") != std::string::npos);
}

TEST_CASE("label 1-40 and announcement 0-200 with an HH:MM until") {
  std::string label = "  Lightning talks ";
  CHECK_FALSE(normalize_label(label));
  CHECK(label == "Lightning talks");
  std::string empty = "";
  CHECK(normalize_label(empty));
  Announcement a{"Dinner groups meet at 18:00", "18:00"};
  CHECK_FALSE(normalize_announcement(a));
  a.until = "6pm";
  CHECK(normalize_announcement(a));
  Announcement clear{"", ""};
  CHECK_FALSE(normalize_announcement(clear));
  Announcement long_text{repeat("x", 201), ""};
  CHECK(normalize_announcement(long_text));
}
