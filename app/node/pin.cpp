#include "node/pin.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace osb {

namespace {
std::string to_hex(const unsigned char* p, std::size_t n) {
  static const char* hex = "0123456789abcdef";
  std::string s;
  s.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    s += hex[p[i] >> 4];
    s += hex[p[i] & 15];
  }
  return s;
}

bool from_hex(std::string_view s, std::vector<unsigned char>& out) {
  if (s.size() % 2) return false;
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  out.clear();
  for (std::size_t i = 0; i < s.size(); i += 2) {
    const int a = val(s[i]), b = val(s[i + 1]);
    if (a < 0 || b < 0) return false;
    out.push_back(static_cast<unsigned char>(a * 16 + b));
  }
  return true;
}

std::vector<unsigned char> derive(std::string_view pin, const std::vector<unsigned char>& salt, int iterations) {
  std::vector<unsigned char> out(32);
  if (PKCS5_PBKDF2_HMAC(pin.data(), static_cast<int>(pin.size()), salt.data(), static_cast<int>(salt.size()), iterations,
                        EVP_sha256(), static_cast<int>(out.size()), out.data()) != 1)
    throw std::runtime_error("PBKDF2 failed");
  return out;
}
}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) throw std::runtime_error("SHA-256 failed");
  return to_hex(md, len);
}

std::string random_hex(int n_bytes) {
  std::vector<unsigned char> b(static_cast<std::size_t>(n_bytes));
  if (RAND_bytes(b.data(), n_bytes) != 1) throw std::runtime_error("no random bytes from the OS");
  return to_hex(b.data(), b.size());
}

std::string hash_pin(std::string_view pin, int iterations) {
  std::vector<unsigned char> salt;
  from_hex(random_hex(16), salt);
  const auto h = derive(pin, salt, iterations);
  return "pbkdf2-sha256$" + std::to_string(iterations) + "$" + to_hex(salt.data(), salt.size()) + "$" + to_hex(h.data(), h.size());
}

bool verify_pin(std::string_view pin, std::string_view stored) {
  const std::string_view prefix = "pbkdf2-sha256$";
  if (stored.substr(0, prefix.size()) != prefix) return false;
  std::string_view rest = stored.substr(prefix.size());
  const auto a = rest.find('$');
  if (a == std::string_view::npos) return false;
  const auto b = rest.find('$', a + 1);
  if (b == std::string_view::npos) return false;
  int iterations = 0;
  for (char c : rest.substr(0, a)) {
    if (c < '0' || c > '9' || iterations > 10000000) return false;
    iterations = iterations * 10 + (c - '0');
  }
  std::vector<unsigned char> salt, expected;
  if (iterations < 1 || !from_hex(rest.substr(a + 1, b - a - 1), salt) || !from_hex(rest.substr(b + 1), expected) ||
      expected.size() != 32)
    return false;
  const auto got = derive(pin, salt, iterations);
  return CRYPTO_memcmp(got.data(), expected.data(), 32) == 0;
}

void wipe_secret(std::string& s) {
  if (s.capacity() > 0) OPENSSL_cleanse(s.data(), s.capacity());
  s.clear();
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace osb
