// Open Space Board — the JSON codec for the contract's objects, in one place, used by the node,
// the sync client and the admin tool. Decoding never throws on bad input: it returns an Error
// ("invalid") that names the field.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/model.hpp"
#include "core/validate.hpp"

namespace osb::json {

using nlohmann::json;

// [SECTION] Encoding
json encode(const Cell& c);
json encode(const Event& e);  // {"name","days","timezone"?,"backchannel"?}
json encode(const Room& r);
json encode(const std::optional<Announcement>& a);  // object or null
json encode(const Board& b);
json encode(const Changes& c);
json encode(const ArchivedClaim& a);
json encode(const Talk& t);  // {"id","day","start","end","room","title","persons","track","url","state","seq"}
json encode(const ScheduleImport& i);  // {"at","source","talks","added","updated","cancelled","unchanged","seq"}
json encode(const LightningSignup& s);  // {"signup_id","day","start","title","speaker","position"}
json encode(const Sheet& s);   // {"day","start","talks","minutes","closes","signups","seq"}
json encode(const Group& g);   // {"group_id","day","time","title","where","seats","host","continues"?,"joined","seq","removed"?}
json encode(const ArchivedSignup& a);
json encode(const ArchivedGroup& a);
json error_body(const Error& e);  // {"error","message"}
// Serialises for the wire: UTF-8 kept as is, invalid bytes replaced (never throws).
std::string dump(const json& j);

// [SECTION] Decoding (server side: request bodies)
template <class T>
using Decoded = std::variant<T, Error>;

// Parses a body that must be a JSON object. Error "invalid" when not.
Decoded<json> parse_object(std::string_view body);
Decoded<Claim> decode_claim_request(std::string_view body);
Decoded<std::string> decode_pin_request(std::string_view body);
Decoded<std::string> decode_block_request(std::string_view body);
Decoded<Announcement> decode_announcement_request(std::string_view body);
Decoded<LightningSignup> decode_signup_request(std::string_view body);  // POST /api/v1/lightning
Decoded<Group> decode_group_request(std::string_view body);             // POST /api/v1/groups
// {"join_id"} / {"interest_id"}: the id under `field`, checked like a claim id.
Decoded<std::string> decode_id_request(std::string_view body, const char* field);
Decoded<CellKey> decode_move_request(std::string_view body);            // {"day","room","start"}
Decoded<std::vector<std::string>> decode_order_request(std::string_view body);  // {"order":[id...]}

// [SECTION] Decoding (client side: node answers). Error "bad_answer" when the shape is wrong.
Decoded<Cell> decode_cell(const json& j);
Decoded<Board> decode_board(std::string_view body);
Decoded<Changes> decode_changes(std::string_view body);
Decoded<Talk> decode_talk(const json& j);
Decoded<LightningSignup> decode_signup(const json& j);
Decoded<Sheet> decode_sheet(const json& j);
Decoded<Group> decode_group(const json& j);
// GET /api/v1/schedule: the last import, nullopt when there has been none.
Decoded<std::optional<ScheduleImport>> decode_schedule_status(std::string_view body);
// The error of a non-2xx answer; a body that is not the contract's error gives "bad_answer".
Error decode_error(std::string_view body);

}  // namespace osb::json
