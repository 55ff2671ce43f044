// The kiosk's small parts, without a window: the touch-to-tap pointer queue, the RunQueue
// between threads, the renderer choice and the PNG writer.
#include <doctest/doctest.h>
#include <stb_image.h>

#include <atomic>
#include <thread>

#include "kiosk/pointer_input.hpp"
#include "kiosk/renderer_choice.hpp"
#include "kiosk/run_queue.hpp"
#include "kiosk/screenshot.hpp"
#include "tests/support/temp_dir.hpp"

using namespace osb::kiosk;

TEST_CASE("a tap whose press and release arrive between two frames is seen as press, then release") {
  PointerInput p;
  p.finger_down(7, 100, 200);
  p.finger_up(7, 100, 200);
  const PointerFrame f1 = p.next_frame();
  CHECK(f1.present);
  CHECK(f1.down);
  CHECK(f1.x == 100);
  CHECK(p.busy());
  const PointerFrame f2 = p.next_frame();
  CHECK_FALSE(f2.down);
  CHECK(f2.present);  // released where it was pressed: ImGui sees the click
  const PointerFrame f3 = p.next_frame();
  CHECK(f3.present);  // kept one frame after the release
  const PointerFrame f4 = p.next_frame();
  CHECK_FALSE(f4.present);  // then gone: nothing stays hovered
  CHECK_FALSE(p.busy());
}

TEST_CASE("a second finger does not move or click the pointer") {
  PointerInput p;
  p.finger_down(1, 10, 10);
  p.finger_down(2, 500, 500);
  p.finger_motion(2, 600, 600);
  p.finger_up(2, 600, 600);
  const PointerFrame f = p.next_frame();
  CHECK(f.down);
  CHECK(f.x == 10);
  CHECK_FALSE(p.busy());
  p.finger_motion(1, 40, 10);  // drag to scroll: the first finger still moves the pointer
  CHECK(p.next_frame().x == 40);
  p.finger_up(1, 40, 10);
  CHECK_FALSE(p.next_frame().down);
}

TEST_CASE("motion is merged within a frame but never crosses a button change") {
  PointerInput p;
  p.press(1, 1, PointerSource::Mouse);
  p.move(2, 2, PointerSource::Mouse);
  p.move(3, 3, PointerSource::Mouse);
  p.release(4, 4, PointerSource::Mouse);
  PointerFrame f = p.next_frame();
  CHECK(f.down);
  CHECK(f.x == 3);
  f = p.next_frame();
  CHECK_FALSE(f.down);
  CHECK(f.x == 4);
  f = p.next_frame();
  CHECK(f.present);  // a mouse stays where it is
}

TEST_CASE("closures pushed from other threads run on the draining thread, and each push wakes it") {
  std::atomic<int> wakes{0};
  RunQueue q([&] { ++wakes; });
  int sum = 0;  // touched only by this thread, inside the closures
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&q, &sum] {
      for (int i = 0; i < 250; ++i) q.push([&sum] { ++sum; });
    });
  for (auto& t : threads) t.join();
  CHECK(wakes == 1000);
  CHECK(q.run() == 1000);
  CHECK(sum == 1000);
  CHECK(q.empty());
  // A closure may push again without deadlock; that one runs on the next drain.
  q.push([&] { q.push([&] { sum = -1; }); });
  CHECK(q.run() == 1);
  CHECK(sum == 1000);
  CHECK(q.run() == 1);
  CHECK(sum == -1);
}

TEST_CASE("the renderer is software unless a GPU is likely, and the config can force it") {
  RenderFacts gpu;
  gpu.has_render_node = true;
  CHECK(choose_renderer("auto", gpu).kind == RendererKind::Accelerated);
  CHECK(choose_renderer("software", gpu).kind == RendererKind::Software);

  RenderFacts none;
  CHECK(choose_renderer("auto", none).kind == RendererKind::Software);
  CHECK(choose_renderer("accelerated", none).kind == RendererKind::Accelerated);

  RenderFacts xvfb = gpu;
  xvfb.xvfb_display = true;
  CHECK(choose_renderer("auto", xvfb).kind == RendererKind::Software);
  RenderFacts llvmpipe = gpu;
  llvmpipe.libgl_always_software = true;
  CHECK(choose_renderer("auto", llvmpipe).kind == RendererKind::Software);
  CHECK_FALSE(choose_renderer("auto", llvmpipe).reason.empty());
}

TEST_CASE("a screenshot is written as an opaque RGB PNG that reads back the same") {
  osb::test::TempDir dir;
  RgbImage img;
  img.width = 64;
  img.height = 32;
  img.pixels.resize(64 * 32 * 3);
  for (int y = 0; y < 32; ++y)
    for (int x = 0; x < 64; ++x) {
      auto* px = &img.pixels[(y * 64 + x) * 3];
      px[0] = static_cast<std::uint8_t>(x * 4);
      px[1] = static_cast<std::uint8_t>(y * 8);
      px[2] = 0x16;
    }
  const std::string path = dir.file("shot.png");
  REQUIRE_FALSE(write_png(path, img).has_value());
  int w = 0, h = 0, channels = 0;
  unsigned char* data = stbi_load(path.c_str(), &w, &h, &channels, 0);
  REQUIRE(data);
  CHECK(w == 64);
  CHECK(h == 32);
  CHECK(channels == 3);
  CHECK(std::equal(img.pixels.begin(), img.pixels.end(), data));
  stbi_image_free(data);

  const RgbImage half = downscale(img, 1);
  CHECK(half.width == 32);
  CHECK(half.height == 16);
  CHECK(half.pixels[0] == (0 + 4 + 0 + 4 + 2) / 4);  // the box filter averages four pixels

  CHECK(write_png(dir.file("missing/dir/shot.png"), img).has_value());
  CHECK(write_png(path, RgbImage{}).has_value());
}
