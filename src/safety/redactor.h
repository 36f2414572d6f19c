// Redaction: replaces the PII that FindPii finds with typed placeholders such as "[EMAIL_1]".
//
// A Redactor is one session, normally one ticket with its comments: the same value gets the same
// placeholder every time it appears in that session ("[EMAIL_1]" is one address everywhere),
// different values of a type are numbered in order of first appearance. Values are compared after
// light normalisation (case for e-mail addresses, separators for phone, card and IBAN numbers), so
// "+49 30 1234567" and "+49301234567" share a placeholder. The session holds the values it has
// seen in memory only; it never writes them anywhere. Not thread-safe: use one Redactor per
// session (they are cheap).
#pragma once

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "safety/pii.h"

namespace ticketwise::safety {

// The upper-case label of placeholders: "EMAIL", "PHONE", "CARD", "IBAN", "SSN", "NATIONAL_ID",
// "IPV4", "IPV6", "MAC", "URL", "SECRET", "PASSWORD", "PERSON".
std::string_view PlaceholderLabel(PiiType type);

// The key under which two spellings of one value count as the same value.
std::string NormalizedValue(PiiType type, std::string_view value);

struct Redaction {
  std::string text;            // the input with each span replaced by its placeholder
  std::vector<PiiSpan> spans;  // what was replaced, as byte offsets into the input
};

class Redactor {
 public:
  explicit Redactor(DetectOptions options = {}) : options_(options) {}

  // Finds the PII of `text` and replaces it. Placeholders stay consistent across calls.
  Redaction Redact(std::string_view text);

  // Replaces the given spans (sorted, non-overlapping, inside `text`; others are ignored).
  Redaction Apply(std::string_view text, const std::vector<PiiSpan>& spans);

  // The placeholder for a value, allocating the next number for a new one.
  const std::string& PlaceholderFor(PiiType type, std::string_view value);

  // How many distinct values the session has replaced.
  std::size_t distinct_values() const { return placeholders_.size(); }

 private:
  DetectOptions options_;
  std::map<std::string, std::string> placeholders_;  // type byte + normalised value -> placeholder
  std::array<int, kPiiTypeCount> counts_{};
};

// One-shot redaction with a fresh session.
std::string RedactText(std::string_view text, const DetectOptions& options = {});

}  // namespace ticketwise::safety
