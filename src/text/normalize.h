// Unicode normalization for model input: NFKC plus full Unicode case folding, so "Ｅｒｒｏｒ",
// "ERROR" and "error" compare equal. Pure functions, thread-safe. ASCII-only input takes a fast
// path with no allocation beyond the output.
#pragma once

#include <string>
#include <string_view>

namespace ticketwise::text {

// Normalizes `text` (NFKC + case fold; invalid UTF-8 is replaced by U+FFFD first; control
// characters other than tab and newline become spaces) into `*out`, reusing its capacity.
void NormalizeInto(std::string_view text, std::string* out);

inline std::string Normalize(std::string_view text) {
  std::string out;
  NormalizeInto(text, &out);
  return out;
}

}  // namespace ticketwise::text
