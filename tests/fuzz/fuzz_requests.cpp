// Fuzz target: JSON decoding + validation of every route body and of every node answer the
// kiosk decodes (app/net/codec). Invariant: never throws or crashes; accepted claims are valid.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/text.hpp"
#include "codec/codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto claim = osb::json::decode_claim_request(body);
  if (auto* c = std::get_if<osb::Claim>(&claim)) {
    if (osb::normalize_claim(*c)) std::abort();  // what decoding accepts, validation accepts
    if (!osb::is_valid_utf8(c->title) || !osb::is_valid_claim_id(c->claim_id)) std::abort();
    // Round trip through the wire format.
    osb::Cell cell{c->day, c->room, c->start, "11:00", osb::CellState::Claimed, c->title, c->host, c->description, c->claim_id, "", 1};
    auto back = osb::json::decode_cell(osb::json::encode(cell));
    if (!std::holds_alternative<osb::Cell>(back) || !(std::get<osb::Cell>(back) == cell)) std::abort();
  }
  (void)osb::json::decode_pin_request(body);
  (void)osb::json::decode_block_request(body);
  (void)osb::json::decode_announcement_request(body);
  auto board = osb::json::decode_board(body);
  if (auto* b = std::get_if<osb::Board>(&board)) (void)osb::json::dump(osb::json::encode(*b));
  auto changes = osb::json::decode_changes(body);
  if (auto* ch = std::get_if<osb::Changes>(&changes)) (void)osb::json::dump(osb::json::encode(*ch));
  (void)osb::json::decode_error(body);
  return 0;
}
