// The one translation unit that compiles stb_image (from libstb-dev) for the tests that read
// screenshots back. Third-party code: built with warnings off.
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb_image.h>
