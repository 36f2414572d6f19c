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

std::string_view MatchStateName(MatchState state) {
  switch (state) {
    case MatchState::kNotSearched:
      return "not_searched";
    case MatchState::kNoConfidentMatch:
      return "no_confident_match";
    case MatchState::kMatched:
      return "matched";
  }
  return "not_searched";
}

std::optional<MatchState> ParseMatchState(std::string_view name) {
  if (name == "not_searched") return MatchState::kNotSearched;
  if (name == "no_confident_match") return MatchState::kNoConfidentMatch;
  if (name == "matched") return MatchState::kMatched;
  return std::nullopt;
}

std::string_view SourceKindName(SourceKind kind) {
  return kind == SourceKind::kTicket ? "ticket" : "article";
}

std::optional<SourceKind> ParseSourceKind(std::string_view name) {
  if (name == "article") return SourceKind::kArticle;
  if (name == "ticket") return SourceKind::kTicket;
  return std::nullopt;
}

const FieldDecision* FindField(const Decision& decision, std::string_view name) {
  for (const FieldDecision& f : decision.fields)
    if (f.field == name) return &f;
  return nullptr;
}

}  // namespace ticketwise
