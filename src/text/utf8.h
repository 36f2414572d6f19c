// UTF-8 validation and repair. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ticketwise::text {

// Byte offset of the first invalid UTF-8 sequence in `s` (overlong forms, surrogates, code points
// above U+10FFFF and truncated sequences are invalid), or std::string_view::npos when `s` is valid.
std::size_t FindInvalidUtf8(std::string_view s);

inline bool IsValidUtf8(std::string_view s) { return FindInvalidUtf8(s) == std::string_view::npos; }

// A copy of `s` in which every invalid sequence is replaced by U+FFFD.
std::string SanitizeUtf8(std::string_view s);

}  // namespace ticketwise::text
