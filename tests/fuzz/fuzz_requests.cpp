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
    osb::Cell cell;
    cell.day = c->day;
    cell.room = c->room;
    cell.start = c->start;
    cell.end = "11:00";
    cell.state = osb::CellState::Claimed;
    cell.title = c->title;
    cell.host = c->host;
    cell.description = c->description;
    cell.claim_id = c->claim_id;
    cell.seq = 1;
    cell.interest = static_cast<int>(size % 97);
    cell.moved_from_room = c->room;
    cell.moved_from_start = c->start;
    auto back = osb::json::decode_cell(osb::json::encode(cell));
    if (!std::holds_alternative<osb::Cell>(back) || !(std::get<osb::Cell>(back) == cell)) std::abort();
  }
  (void)osb::json::decode_pin_request(body);
  (void)osb::json::decode_block_request(body);
  (void)osb::json::decode_announcement_request(body);
  // Contract §4.3 bodies: what decoding accepts, validation accepts, and it survives the wire.
  auto signup = osb::json::decode_signup_request(body);
  if (auto* s = std::get_if<osb::LightningSignup>(&signup)) {
    osb::LightningSignup copy = *s;
    if (osb::normalize_signup(copy) || !(copy == *s)) std::abort();
    auto back = osb::json::decode_signup(osb::json::encode(*s));
    if (!std::holds_alternative<osb::LightningSignup>(back) || !(std::get<osb::LightningSignup>(back) == *s)) std::abort();
  }
  auto group = osb::json::decode_group_request(body);
  if (auto* g = std::get_if<osb::Group>(&group)) {
    osb::Group copy = *g;
    if (osb::normalize_group(copy) || !(copy == *g)) std::abort();
    if (g->seats < osb::kSeatsMin || g->seats > osb::kSeatsMax) std::abort();
    auto back = osb::json::decode_group(osb::json::encode(*g));
    if (!std::holds_alternative<osb::Group>(back) || !(std::get<osb::Group>(back) == *g)) std::abort();
  }
  (void)osb::json::decode_id_request(body, "join_id");
  (void)osb::json::decode_move_request(body);
  auto order = osb::json::decode_order_request(body);
  if (auto* o = std::get_if<std::vector<std::string>>(&order))
    for (const auto& id : *o)
      if (!osb::is_valid_claim_id(id)) std::abort();
  auto board = osb::json::decode_board(body);
  if (auto* b = std::get_if<osb::Board>(&board)) (void)osb::json::dump(osb::json::encode(*b));
  auto changes = osb::json::decode_changes(body);
  if (auto* ch = std::get_if<osb::Changes>(&changes)) (void)osb::json::dump(osb::json::encode(*ch));
  (void)osb::json::decode_error(body);
  return 0;
}
