// Open Space Board — the phone / laptop web view served by the node: plain HTML and a little
// script, no build step, no external assets. Every piece of user text is HTML-escaped.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/time.hpp"

namespace osb::web {

std::string escape_html(std::string_view s);

// GET / and GET /?day=YYYY-MM-DD: the board for one day (today when it is an event day, else the
// first upcoming day), with links to the other days, live by long-polling /api/v1/changes and
// still readable with scripts off.
std::string board_page(const Board& board, const std::string& day, const LocalTime& now);

// GET /s/{claim_id}: one session's page; nullopt when no such session is on the board. Found by
// claim_id, so a session staff moved is shown in its new place ("Moved here from Room B").
std::optional<std::string> session_page(const Board& board, const std::string& claim_id, const LocalTime& now);

// What the clock changes on board_page besides slot starts and ends (which the node's ETag
// already counts): "-L1725" once today's lightning sign-up closing at 17:25 has gone by (the
// latest such), else empty. The node adds it to the page's ETag, so a reload after a sheet
// closed gets the page that says "Closed", not a 304.
std::string clock_key(const Event& event, const LocalTime& now);

// The day board_page shows: `requested` when it is an event day, else today when it is one,
// else the first day still to come, else the first day. Empty only for an event without days.
std::string pick_day(const Event& event, const std::string& requested, const LocalTime& now);

// JSON text safe inside an inline <script>: `<`, `>`, `&` and U+2028/2029 written as \u escapes,
// so user text can never close the script element.
std::string script_json_string(std::string_view s);

}  // namespace osb::web
