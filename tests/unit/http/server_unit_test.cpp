// app/http pieces without a socket: the two-priority worker pool and URL decoding.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "http/server.hpp"

using osb::http::Priority;
using osb::http::WorkPool;
using Clock = std::chrono::steady_clock;

TEST_CASE("work pool: anonymous work never takes the last worker, so kiosk work runs at once") {
  WorkPool pool(4);
  std::mutex m;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> anonymous_running{0};
  // Far more blocked anonymous tasks than workers.
  for (int i = 0; i < 20; ++i)
    pool.post(Priority::Anonymous, [&] {
      ++anonymous_running;
      std::unique_lock lk(m);
      cv.wait(lk, [&] { return release; });
    });
  // Wait (deadline) until the anonymous share is busy.
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (anonymous_running.load() < 3 && Clock::now() < deadline) std::this_thread::yield();
  CHECK(anonymous_running.load() == 3);  // 4 workers, the last kept for priority work
  std::atomic<bool> kiosk_ran{false};
  pool.post(Priority::Priority, [&] { kiosk_ran = true; });
  const auto deadline2 = Clock::now() + std::chrono::seconds(5);
  while (!kiosk_ran.load() && Clock::now() < deadline2) std::this_thread::yield();
  CHECK(kiosk_ran.load());
  CHECK(anonymous_running.load() == 3);
  {
    std::lock_guard lk(m);
    release = true;
  }
  cv.notify_all();
  pool.stop();  // runs what is queued, then joins
  CHECK(anonymous_running.load() == 20);
}

TEST_CASE("work pool: priority work queued behind anonymous work is taken first") {
  WorkPool pool(2);  // one anonymous worker, one kept for priority
  std::mutex m;
  std::condition_variable cv;
  bool release = false;
  std::atomic<bool> started{false};
  pool.post(Priority::Anonymous, [&] {
    started = true;
    std::unique_lock lk(m);
    cv.wait(lk, [&] { return release; });
  });
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (!started.load() && Clock::now() < deadline) std::this_thread::yield();
  std::vector<int> order;
  std::mutex order_m;
  for (int i = 0; i < 3; ++i)
    pool.post(Priority::Anonymous, [&, i] {
      std::lock_guard lk(order_m);
      order.push_back(i);
    });
  pool.post(Priority::Priority, [&] {
    std::lock_guard lk(order_m);
    order.push_back(100);
  });
  {
    std::lock_guard lk(m);
    release = true;
  }
  cv.notify_all();
  pool.stop();
  REQUIRE(order.size() == 4);
  CHECK(order.front() == 100);
}

TEST_CASE("url_decode: percent escapes, '+' only in queries, broken escapes kept as they are") {
  using osb::http::url_decode;
  CHECK(url_decode("/s/abc%2Ddef", false) == "/s/abc-def");
  CHECK(url_decode("a+b", false) == "a+b");
  CHECK(url_decode("a+b", true) == "a b");
  CHECK(url_decode("%zz%4", true) == "%zz%4");
  CHECK(url_decode("%C3%A9", true) == "\xC3\xA9");
  CHECK(url_decode("", true).empty());
}
