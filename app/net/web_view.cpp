// Placeholder until the web view lands: minimal pages so the node can serve its routes.
#include "net/web_view.hpp"

namespace osb::web {

std::string escape_html(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string board_page(const Board& board, const std::string& day, const LocalTime&) {
  return "<!doctype html><meta charset=utf-8><title>" + escape_html(board.event.name) + "</title><h1>" +
         escape_html(board.event.name) + " — " + escape_html(day) + "</h1>";
}

std::optional<std::string> session_page(const Board& board, const std::string& claim_id, const LocalTime&) {
  for (const auto& c : board.cells)
    if (c.state == CellState::Claimed && c.claim_id == claim_id)
      return "<!doctype html><meta charset=utf-8><h1>" + escape_html(c.title) + "</h1>";
  return std::nullopt;
}

}  // namespace osb::web
