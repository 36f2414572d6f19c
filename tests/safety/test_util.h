// Helpers for the safety tests: the spans of a text as "type:value" strings, easy to compare.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "safety/pii.h"

namespace ticketwise::safety::testing_util {

inline std::vector<std::string> Found(std::string_view text, DetectOptions options = {}) {
  std::vector<std::string> out;
  for (const PiiSpan& s : FindPii(text, options))
    out.push_back(std::string(PiiTypeName(s.type)) + ":" +
                  std::string(text.substr(s.start, s.end - s.start)));
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace ticketwise::safety::testing_util
