#include <doctest/doctest.h>

#include "codec/codec.hpp"

using namespace osb;

TEST_CASE("a claimed cell encodes with its claim fields, an open one without") {
  Cell c{"2030-03-11", "A", "10:00", "11:00", CellState::Claimed, "Σοφία's talk", "Σοφία", "", "claim-0001", "", 7, 0, "", "", "", ""};
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
  b.cells.push_back({"2030-03-11", "A", "10:00", "11:00", CellState::Blocked, "", "", "", "", "Lunch", 2, 0, "", "", "", ""});
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

TEST_CASE("§4.3 bodies decode with the field named on a mistake, and sheets, groups and moved cells survive the wire") {
  auto s = json::decode_signup_request(R"({"signup_id":"talk-0001","day":"2030-03-11","start":"17:30","title":"  Emacs  ","speaker":"Ana"})");
  REQUIRE(std::holds_alternative<LightningSignup>(s));
  CHECK(std::get<LightningSignup>(s).title == "Emacs");
  auto bad = json::decode_signup_request(R"({"signup_id":"talk-0001","day":"2030-03-11","start":"17:30","title":"T"})");
  REQUIRE(std::holds_alternative<Error>(bad));
  CHECK(std::get<Error>(bad).message == "speaker is missing.");
  auto g = json::decode_group_request(
      R"({"group_id":"group-0001","day":"2030-03-11","time":"19:30","title":"Dinner","where":"Lobby","seats":8,"host":"Kim"})");
  REQUIRE(std::holds_alternative<Group>(g));
  CHECK(std::get<Group>(g).seats == 8);
  for (const char* seats : {"1", "41", "8.5", "\"8\"", "1e9", "-3"}) {
    const std::string body = std::string(R"({"group_id":"group-0001","day":"2030-03-11","time":"19:30","title":"D","where":"L","host":"K","seats":)") + seats + "}";
    auto e = json::decode_group_request(body);
    REQUIRE_MESSAGE(std::holds_alternative<Error>(e), seats);
    CHECK(std::get<Error>(e).message.find("seats") == 0);
  }
  auto t = json::decode_group_request(R"({"group_id":"group-0001","day":"2030-03-11","time":"7pm","title":"D","where":"L","host":"K","seats":4})");
  REQUIRE(std::holds_alternative<Error>(t));
  CHECK(std::get<Error>(t).message.find("time") == 0);
  CHECK(std::holds_alternative<Error>(json::decode_id_request(R"({"join_id":"short"})", "join_id")));
  CHECK(std::get<std::string>(json::decode_id_request(R"({"join_id":"join-0001"})", "join_id")) == "join-0001");
  CHECK(std::holds_alternative<Error>(json::decode_order_request(R"({"order":["ok-id-0001", 3]})")));
  CHECK(std::get<std::vector<std::string>>(json::decode_order_request(R"({"order":[]})")).empty());
  CHECK(std::holds_alternative<Error>(json::decode_move_request(R"({"day":"2030-03-11","room":"C"})")));

  Board b;
  b.epoch = "e";
  b.seq = 9;
  b.event.name = "N";
  b.event.days = {"2030-03-11"};
  b.event.rooms = {{"A", "Room A", "", 30}};
  b.event.slots = {{600, 660}};
  Cell c{"2030-03-11", "A", "10:00", "11:00", CellState::Claimed, "T", "H", "", "claim-0001", "", 7, 12, "B", "10:00", "", ""};
  Cell left{"2030-03-11", "B", "10:00", "11:00", CellState::Open, "", "", "", "", "", 7, 0, "", "", "A", "10:00"};
  b.cells = {c, left};
  Sheet sh{"2030-03-11", "17:30", 3, 5, "17:25", {LightningSignup{"talk-0001", "2030-03-11", "17:30", "Emacs", "Ana", 1}}, 8};
  b.lightning = {sh};
  Group gr;
  gr.group_id = "group-0001";
  gr.day = "2030-03-11";
  gr.time = "19:30";
  gr.title = "Dinner";
  gr.where = "Lobby";
  gr.seats = 8;
  gr.host = "Kim";
  gr.continues = "claim-0001";
  gr.joined = 3;
  gr.seq = 9;
  b.groups = {gr};
  const auto j = json::encode(b);
  CHECK(j["cells"][0]["interest"] == 12);
  CHECK(j["cells"][0]["moved_from"]["room"] == "B");
  CHECK(j["cells"][1]["moved_to"]["room"] == "A");
  CHECK(j["rooms"][0]["capacity"] == 30);
  auto d = json::decode_board(json::dump(j));
  REQUIRE(std::holds_alternative<Board>(d));
  const Board& back = std::get<Board>(d);
  CHECK(back.cells == b.cells);
  CHECK(back.lightning == b.lightning);
  CHECK(back.groups == b.groups);
  CHECK(back.event.rooms[0].capacity == 30);
  Group removed = gr;
  removed.removed = true;
  Changes ch;
  ch.epoch = "e";
  ch.seq = 10;
  ch.groups = {removed};
  auto dc = json::decode_changes(json::dump(json::encode(ch)));
  REQUIRE(std::holds_alternative<Changes>(dc));
  CHECK(std::get<Changes>(dc).groups.at(0).removed);
}
