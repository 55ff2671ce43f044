#include <doctest/doctest.h>

#include "codec/codec.hpp"

using namespace osb;

TEST_CASE("a claimed cell encodes with its claim fields, an open one without") {
  Cell c{"2030-03-11", "A", "10:00", "11:00", CellState::Claimed, "Σοφία's talk", "Σοφία", "", "claim-0001", "", 7};
  const auto j = json::encode(c);
  CHECK(j["state"] == "claimed");
  CHECK(j["title"] == "Σοφία's talk");
  CHECK(j["seq"] == 7);
  c.state = CellState::Open;
  CHECK_FALSE(json::encode(c).contains("title"));
  auto back = json::decode_cell(json::encode(c));
  REQUIRE(std::holds_alternative<Cell>(back));
  CHECK(std::get<Cell>(back).room == "A");
}

TEST_CASE("claim bodies: wrong JSON, wrong types and missing fields name the problem") {
  auto msg = [](std::string_view body) {
    auto r = json::decode_claim_request(body);
    return std::holds_alternative<Error>(r) ? std::get<Error>(r).message : std::string("ok");
  };
  CHECK(msg("not json") == "The body is not valid JSON.");
  CHECK(msg("[1,2]") == "The body must be a JSON object.");
  CHECK(msg(R"({"claim_id":"abcdefgh","day":"2030-03-11","room":"A","start":"10:00","title":5,"host":"x"})") ==
        "title must be a string.");
  CHECK(msg(R"({"claim_id":"abcdefgh","day":"2030-03-11","room":"A","start":"10:00","title":"t"})") == "host is missing.");
  CHECK(msg(R"({"claim_id":"abcdefgh","day":"2030-03-11","room":"A","start":"10:00","title":" t ","host":"h"})") == "ok");
  CHECK(msg("{\"claim_id\":\"abcdefgh\",\"day\":\"d\",\"room\":\"A\",\"start\":\"10:00\",\"title\":\"\xC3\",\"host\":\"h\"}") ==
        "The body is not valid JSON.");  // the JSON parser refuses invalid UTF-8 itself
}

TEST_CASE("a board round-trips through the codec") {
  Board b;
  b.epoch = "0123456789abcdef";
  b.seq = 3;
  b.event.name = "Test";
  b.event.days = {"2030-03-11"};
  b.event.rooms = {{"A", "Room A", "Level 2"}};
  b.event.slots = {{600, 660}};
  b.cells.push_back({"2030-03-11", "A", "10:00", "11:00", CellState::Blocked, "", "", "", "", "Lunch", 2});
  b.announcement = Announcement{"Hello", ""};
  auto d = json::decode_board(json::dump(json::encode(b)));
  REQUIRE(std::holds_alternative<Board>(d));
  const Board& r = std::get<Board>(d);
  CHECK(r.epoch == b.epoch);
  CHECK(r.event.rooms[0].where == "Level 2");
  CHECK(r.event.slots[0].end == 660);
  CHECK(r.cells[0] == b.cells[0]);
  CHECK(r.announcement == b.announcement);
  CHECK(std::holds_alternative<Error>(json::decode_board("{\"epoch\":1}")));
}

TEST_CASE("dump never throws on invalid UTF-8") {
  json::json j = {{"x", std::string("a\xFF")}};
  CHECK_NOTHROW(json::dump(j));
}
