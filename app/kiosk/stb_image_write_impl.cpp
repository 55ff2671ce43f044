// The one translation unit that compiles stb_image_write (from libstb-dev). Third-party code:
// built with warnings off (see CMakeLists.txt) so the rest of the kiosk stays warning-free.
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>
