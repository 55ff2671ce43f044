// Open Space Board — UTF-8 text rules shared by every layer.
// Strict UTF-8 (no overlongs, no surrogates, no truncated sequences), code point counting,
// trimming of Unicode-agnostic ASCII white space, control character detection, and
// shortening to a number of code points. Pure functions, no allocation beyond the result.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace osb {

// True when `s` is well-formed UTF-8 (RFC 3629: U+0000..U+10FFFF, shortest form, no surrogates).
bool is_valid_utf8(std::string_view s);

// Number of code points in valid UTF-8 text (continuation bytes are not counted).
std::size_t count_code_points(std::string_view s);

// Removes white space (space, tab, CR, LF, VT, FF) at both ends.
std::string trim(std::string_view s);

// True when valid UTF-8 text holds a control character: C0 (U+0000..U+001F), DEL, or C1
// (U+0080..U+009F). Also the line/paragraph separators U+2028/U+2029.
bool has_control_character(std::string_view s);

// The first `max_points` code points of valid UTF-8 text (never cuts inside a sequence).
std::string_view prefix_code_points(std::string_view s, std::size_t max_points);

// Removes the last code point (for a backspace key). Empty text stays empty.
void pop_code_point(std::string& s);

}  // namespace osb
