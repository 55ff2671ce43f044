#include "kiosk/screenshot.hpp"

#include <cerrno>
#include <cstring>

#include <stb_image_write.h>

namespace osb::kiosk {

std::optional<std::string> write_png(const std::string& path, const RgbImage& image) {
  if (image.width <= 0 || image.height <= 0 ||
      image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * 3)
    return "The screenshot has no pixels to write.";
  stbi_write_png_compression_level = 9;  // flat UI colours compress well; keeps doc PNGs small
  if (!stbi_write_png(path.c_str(), image.width, image.height, 3, image.pixels.data(), image.width * 3))
    return "Could not write the screenshot to " + path + ": " + std::strerror(errno) + ".";
  return std::nullopt;
}

RgbImage downscale(const RgbImage& image, int times) {
  RgbImage out = image;
  for (int t = 0; t < times && out.width >= 2 && out.height >= 2; ++t) {
    RgbImage half;
    half.width = out.width / 2;
    half.height = out.height / 2;
    half.pixels.resize(static_cast<std::size_t>(half.width) * half.height * 3);
    for (int y = 0; y < half.height; ++y)
      for (int x = 0; x < half.width; ++x)
        for (int c = 0; c < 3; ++c) {
          auto at = [&](int xx, int yy) { return out.pixels[(static_cast<std::size_t>(yy) * out.width + xx) * 3 + c]; };
          const int sum = at(2 * x, 2 * y) + at(2 * x + 1, 2 * y) + at(2 * x, 2 * y + 1) + at(2 * x + 1, 2 * y + 1);
          half.pixels[(static_cast<std::size_t>(y) * half.width + x) * 3 + c] = static_cast<std::uint8_t>((sum + 2) / 4);
        }
    out = std::move(half);
  }
  return out;
}

}  // namespace osb::kiosk
