// Open Space Board — PNG screenshots of the kiosk screen (for tests and the docs).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace osb::kiosk {

struct RgbImage {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;  // width * height * 3, rows top to bottom, opaque RGB
};

// Writes `image` as a PNG. Returns a one-sentence error, or nothing on success.
std::optional<std::string> write_png(const std::string& path, const RgbImage& image);

// Halves the image (2x2 box filter) `times` times: keeps doc screenshots small.
RgbImage downscale(const RgbImage& image, int times);

}  // namespace osb::kiosk
