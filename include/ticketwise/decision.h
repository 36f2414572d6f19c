// Decision: what the engine concluded about one ticket, per field, and under which mode and model.
//
// A Decision is a plain value produced by the engine and recorded by the store before any response
// or action leaves the service. It owns its strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ticketwise {

// How a field's decision may act on the ticketing platform.
enum class Mode : std::uint8_t {
  kShadow,   // decide and record, change nothing
  kSuggest,  // post an internal note for an agent to accept or reject
  kAuto,     // set the field when the confidence gate allows
};

// "shadow", "suggest", "auto": the names used in the API, the store and the configuration.
std::string_view ModeName(Mode mode);
// The Mode named `name` (exactly as ModeName writes it), or nullopt.
std::optional<Mode> ParseMode(std::string_view name);

struct Alternative {
  std::string label;
  float p = 0.0f;
};

struct FieldDecision {
  std::string field;             // "category", later "priority", "queue", ...
  std::string label;             // the predicted label; empty when abstained without a usable label
  float confidence = 0.0f;       // calibrated probability of `label`
  bool abstained = false;        // below the label's threshold for the tenant's target precision
  std::vector<Alternative> top;  // best first
  Mode mode = Mode::kShadow;
  std::string model_version;  // which model decided
  // Why, in words, one reason a line: for "priority" each signal that moved the score ("signal
  // weight: detail"), for "queue" the routing verdict and the score components of the best queues.
  // Empty for learned fields.
  std::vector<std::string> reasons;
};

// Whether the knowledge base and past tickets gave this ticket something to suggest.
enum class MatchState : std::uint8_t {
  kNotSearched,       // the tenant has no articles or tickets to search yet
  kNoConfidentMatch,  // searched; nothing scored above the relevance gate, so nothing is offered
  kMatched,           // at least one suggestion passed the gate
};

// "not_searched", "no_confident_match", "matched".
std::string_view MatchStateName(MatchState state);
std::optional<MatchState> ParseMatchState(std::string_view name);

enum class SourceKind : std::uint8_t {
  kArticle,  // a knowledge-base article
  kTicket,   // a resolved ticket and its resolution
};

// "article", "ticket".
std::string_view SourceKindName(SourceKind kind);
std::optional<SourceKind> ParseSourceKind(std::string_view name);

// A fix offered to the agent, with where it comes from.
struct Suggestion {
  SourceKind kind = SourceKind::kArticle;
  std::string source_id;  // the article's id, or the resolved ticket's external id
  std::string title;
  std::string link;   // where to read the source; may be empty
  std::string steps;  // the Resolution / Workaround sections, or the ticket's resolution note
  double score = 0;   // relevance, 0..1, comparable with the gate's threshold
};

// An open ticket that likely describes the same problem.
struct DuplicateMatch {
  std::string external_id;
  std::string title;
  double score = 0;  // 0..1, comparable with the duplicate threshold
};

struct Decision {
  std::string id;  // assigned by the store
  std::string tenant;
  std::string ticket_id;   // the store's id of the ticket
  std::string input_hash;  // hash of the ticket content the decision was made on
  std::int64_t created_at_ms = 0;
  std::int64_t engine_micros = 0;  // time the engine spent, not counting I/O
  std::vector<FieldDecision> fields;

  MatchState match = MatchState::kNotSearched;
  double match_threshold = 0;              // the relevance gate the suggestions passed
  std::vector<Suggestion> suggestions;     // best first; empty unless match is kMatched
  double duplicate_threshold = 0;          // the score a duplicate had to reach
  std::vector<DuplicateMatch> duplicates;  // best first
  std::string summary;  // an extractive summary of a long thread; empty for short ones
};

// The decision's field named `name`, or nullptr when it has none.
const FieldDecision* FindField(const Decision& decision, std::string_view name);

}  // namespace ticketwise
