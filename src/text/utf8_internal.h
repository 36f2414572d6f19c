// UTF-8 helpers shared by the text module's implementation files; not part of the module's public
// surface. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ticketwise::text {

// U+FFFD REPLACEMENT CHARACTER, encoded.
inline constexpr std::string_view kReplacementUtf8 = "\xEF\xBF\xBD";

// Decodes the well-formed sequence starting at s[i] into `*code_point` and returns its length, or
// returns 0 when the bytes there are not well-formed UTF-8. REQUIRES: i < s.size().
std::size_t DecodeUtf8(std::string_view s, std::size_t i, char32_t* code_point);

// Length of the ill-formed sequence starting at s[i] that one U+FFFD replaces (its maximal subpart,
// >= 1). REQUIRES: i < s.size() and DecodeUtf8(s, i, ...) == 0.
std::size_t InvalidUtf8Length(std::string_view s, std::size_t i);

// Appends the UTF-8 encoding of `cp`; surrogates and values above U+10FFFF become U+FFFD.
void AppendUtf8(char32_t cp, std::string* out);

}  // namespace ticketwise::text
