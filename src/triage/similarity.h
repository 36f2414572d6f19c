// Text similarity for triage: ticket versus incident, ticket versus queue description, ticket
// versus ticket (bursts). Words are normalized and tokenized like model input (text/), short words
// and common English, German and French function words are dropped, and two texts compare by the
// cosine of their word sets. Pure functions; TokenSet values are immutable and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ticketwise::triage {

// The distinct content words of a text, sorted.
class TokenSet {
 public:
  TokenSet() = default;
  explicit TokenSet(std::string_view text);

  const std::vector<std::string>& words() const { return words_; }
  bool empty() const { return words_.empty(); }
  bool Contains(std::string_view word) const;

 private:
  std::vector<std::string> words_;
};

// |A and B| / sqrt(|A| |B|), in [0, 1]; 0 when either is empty.
double Cosine(const TokenSet& a, const TokenSet& b);

// Share of `query`'s words found in `doc`, in [0, 1]: how much of a short text (an incident
// description) a longer one covers.
double Coverage(const TokenSet& query, const TokenSet& doc);

// Lower-case ASCII copy, for case-insensitive names.
std::string Lower(std::string_view s);

}  // namespace ticketwise::triage
