// Open Space Board — staff PIN hashing (PBKDF2-HMAC-SHA256, salted, slow) and constant-time
// comparison. Stored form: "pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>".
#pragma once
#include <string>
#include <string_view>

namespace osb {

inline constexpr int kPinIterations = 200000;

// A new salted hash of `pin` for node.toml [auth].staff_pin.
std::string hash_pin(std::string_view pin, int iterations = kPinIterations);
// True when `pin` matches `stored`; false for a malformed stored string. Constant time in the
// compared bytes.
bool verify_pin(std::string_view pin, std::string_view stored);
// Constant-time equality of two byte strings (time depends only on the lengths).
bool constant_time_equal(std::string_view a, std::string_view b);
// `n` random bytes as lowercase hex (for tokens and salts), from the OS's CSPRNG.
std::string random_hex(int n_bytes);
// SHA-256 of `data` as lowercase hex (how a staff token is kept in a shared database).
std::string sha256_hex(std::string_view data);
// Overwrites a secret (a PIN, a token) in memory with OPENSSL_cleanse, which the compiler may
// not optimise away, then empties the string. The whole buffer is wiped, so a short string kept
// inside the std::string object itself is covered too.
void wipe_secret(std::string& s);

}  // namespace osb
