// A headless kiosk for tests: an ImGui context with real fonts, a KioskView to edit, and helpers
// that drive the pointer and keyboard frame by frame the way a touchscreen does.
#pragma once
#include <imgui.h>

#include <doctest/doctest.h>

#include <cfloat>
#include <chrono>
#include <string>
#include <vector>

#include "support/sample_event.hpp"
#include "ui/ui.hpp"

namespace osb::test {

namespace dbg = osb::ui::debug;

// Keyboard indices the harness maps ImGui's named keys to (as a backend would).
enum HarnessKey { kTab = 1, kBackspace, kEnter, kEscape, kKeyPadEnter, kLeft, kRight, kHome, kEnd, kDelete };

inline Cell& cell_of(Board& b, const std::string& day, const std::string& room, const std::string& start) {
  for (Cell& c : b.cells)
    if (c.day == day && c.room == room && c.start == start) return c;
  FAIL("no such cell");
  return b.cells.front();
}

class UiHarness {
 public:
  using Clock = std::chrono::steady_clock;

  explicit UiHarness(float width = 1920, float height = 1080) {
    ctx_ = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(width, height);
    io.DeltaTime = 1.0f / 60;
    io.KeyMap[ImGuiKey_Tab] = kTab;
    io.KeyMap[ImGuiKey_Backspace] = kBackspace;
    io.KeyMap[ImGuiKey_Enter] = kEnter;
    io.KeyMap[ImGuiKey_Escape] = kEscape;
    io.KeyMap[ImGuiKey_KeyPadEnter] = kKeyPadEnter;
    io.KeyMap[ImGuiKey_LeftArrow] = kLeft;
    io.KeyMap[ImGuiKey_RightArrow] = kRight;
    io.KeyMap[ImGuiKey_Home] = kHome;
    io.KeyMap[ImGuiKey_End] = kEnd;
    io.KeyMap[ImGuiKey_Delete] = kDelete;
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    fonts_found = ui::setup_fonts_and_style(config);
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    atlas_w = w;
    atlas_h = h;

    view.kiosk_id = "room-b";
    view.own_room = "B";
    view.node_url = "http://10.0.0.5:8080";
    view.version = "0.1.0";
    view.has_board = true;
    view.board = open_board(sample_event());
    view.connection = ui::Connection::Online;
    view.lag_ms = 2000;
    view.now = {"2030-03-11", 10 * 60 + 30, 0};  // 10:00 runs, 11:00 and 14:00 are ahead
  }
  ~UiHarness() { ImGui::DestroyContext(ctx_); }
  UiHarness(const UiHarness&) = delete;
  UiHarness& operator=(const UiHarness&) = delete;

  // One frame `dt` after the previous one; returns (and keeps) the intents it produced.
  std::vector<ui::Intent> frame(std::chrono::milliseconds dt = std::chrono::milliseconds(16)) {
    now += dt;
    ImGui::GetIO().DeltaTime = std::max(0.001f, std::chrono::duration<float>(dt).count());
    ImGui::NewFrame();
    auto out = ui::draw_kiosk(view, state, config, now);
    ImGui::Render();
    intents.insert(intents.end(), out.begin(), out.end());
    return out;
  }
  void frames(int n) {
    for (int i = 0; i < n; ++i) frame();
  }

  // A finger: down and up in separate frames, the position kept a frame after the release,
  // then lifted off-screen so nothing stays "hovered".
  void tap(float x, float y) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(x, y);
    frame();
    io.MouseDown[0] = true;
    frame();
    io.MouseDown[0] = false;
    frame();
    frame();
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    frame();
  }
  void tap(const dbg::Rect& r) { tap(r.cx(), r.cy()); }
  // Taps the button drawn with this label (an on-screen key, "✓ Claim", "Cancel", ...).
  void tap_button(std::string_view label) {
    auto r = dbg::button_rect(state, label);
    REQUIRE_MESSAGE(r.has_value(), "no button " << std::string(label));
    tap(*r);
  }
  void tap_cell(const CellKey& key) {
    auto r = dbg::cell_rect(state, key);
    REQUIRE_MESSAGE(r.has_value(), "cell not drawn: " << key.room << " " << key.start);
    tap(*r);
  }
  void type(const char* utf8) {
    ImGui::GetIO().AddInputCharactersUTF8(utf8);
    frame();
  }
  void press(HarnessKey k) {
    ImGuiIO& io = ImGui::GetIO();
    io.KeysDown[k] = true;
    frame();
    io.KeysDown[k] = false;
    frame();
  }
  // Holds the finger at (x, y) for `held`, in frames of 100 ms.
  void hold(float x, float y, std::chrono::milliseconds held) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(x, y);
    frame();
    io.MouseDown[0] = true;
    for (auto t = std::chrono::milliseconds(0); t <= held; t += std::chrono::milliseconds(100))
      frame(std::chrono::milliseconds(100));
    io.MouseDown[0] = false;
    frame();
    frame();
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    frame();
  }
  void drag(float x0, float y0, float x1, float y1, int steps = 10) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(x0, y0);
    frame();
    io.MouseDown[0] = true;
    frame();
    for (int i = 1; i <= steps; ++i) {
      io.MousePos = ImVec2(x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps);
      frame();
    }
    io.MouseDown[0] = false;
    frame();
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    frame();
  }

  template <class T>
  std::vector<T> emitted() const {
    std::vector<T> out;
    for (const ui::Intent& i : intents)
      if (const T* t = std::get_if<T>(&i)) out.push_back(*t);
    return out;
  }

  ui::KioskView view;
  ui::UiState state;
  ui::UiConfig config;
  Clock::time_point now{std::chrono::hours(1000)};
  std::vector<ui::Intent> intents;
  bool fonts_found = false;
  int atlas_w = 0, atlas_h = 0;

 private:
  ImGuiContext* ctx_ = nullptr;
};

}  // namespace osb::test
