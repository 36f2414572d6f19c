#include "ticketwise/decision.h"

namespace ticketwise {

std::string_view ModeName(Mode mode) {
  switch (mode) {
    case Mode::kShadow:
      return "shadow";
    case Mode::kSuggest:
      return "suggest";
    case Mode::kAuto:
      return "auto";
  }
  return "shadow";
}

std::optional<Mode> ParseMode(std::string_view name) {
  if (name == "shadow") return Mode::kShadow;
  if (name == "suggest") return Mode::kSuggest;
  if (name == "auto") return Mode::kAuto;
  return std::nullopt;
}

}  // namespace ticketwise
