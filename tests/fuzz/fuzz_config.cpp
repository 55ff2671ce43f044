// Fuzz target: configuration loading (TOML via toml++): event files and kiosk files.
// Invariant: every input either loads or throws ConfigError with one line; nothing else escapes.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "config/config.hpp"

namespace {
const std::string& scratch() {
  static const std::string path = "/tmp/osb-fuzz-config-" + std::to_string(getpid()) + ".toml";
  return path;
}
template <class F>
void expect_config_error_or_ok(F f) {
  try {
    f();
  } catch (const osb::ConfigError& e) {
    if (std::string(e.what()).find('\n') != std::string::npos) std::abort();  // one line only
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream out(scratch(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  expect_config_error_or_ok([] { osb::load_event(scratch()); });
  expect_config_error_or_ok([] { osb::load_kiosk_config(scratch()); });
  return 0;
}
