#include <doctest/doctest.h>

#include <algorithm>

#include "node/pin.hpp"

using namespace osb;

TEST_CASE("PIN hashes are salted and verify only the right PIN") {
  const std::string a = hash_pin("2468", 1000);
  const std::string b = hash_pin("2468", 1000);
  CHECK(a != b);  // salted
  CHECK(a.rfind("pbkdf2-sha256$1000$", 0) == 0);
  CHECK(verify_pin("2468", a));
  CHECK(verify_pin("2468", b));
  CHECK_FALSE(verify_pin("2469", a));
  CHECK_FALSE(verify_pin("", a));
  CHECK_FALSE(verify_pin("2468", "pbkdf2-sha256$x$00$00"));
  CHECK_FALSE(verify_pin("2468", "plain"));
}

TEST_CASE("constant-time equality and random tokens") {
  CHECK(constant_time_equal("abc", "abc"));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "abcd"));
  CHECK(random_hex(16).size() == 32);
  CHECK(random_hex(16) != random_hex(16));
}

TEST_CASE("wipe_secret zeroes the whole buffer of a long and of a short (in-object) secret") {
  for (std::size_t n : {4u, 64u}) {
    std::string s(n, '7');
    const char* p = s.data();
    const std::size_t cap = s.capacity();
    wipe_secret(s);
    CHECK(s.empty());
    CHECK(s.data() == p);  // clear() keeps the buffer, so reading it is still defined
    CHECK(std::all_of(p, p + cap, [](char ch) { return ch == 0; }));
  }
}
