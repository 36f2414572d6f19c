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
};

struct Decision {
  std::string id;  // assigned by the store
  std::string tenant;
  std::string ticket_id;   // the store's id of the ticket
  std::string input_hash;  // hash of the ticket content the decision was made on
  std::int64_t created_at_ms = 0;
  std::int64_t engine_micros = 0;  // time the engine spent, not counting I/O
  std::vector<FieldDecision> fields;
};

}  // namespace ticketwise
