#include "triage/similarity.h"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "text/normalize.h"
#include "text/tokenize.h"

namespace ticketwise::triage {
namespace {

// Function words that would make unrelated texts look alike.
constexpr std::string_view kStopwords[] = {
    "aber", "and",   "are",   "auf",   "aus",    "avec",  "bei",     "but",    "can",
    "das",  "dem",   "den",   "der",   "des",    "die",   "dans",    "ein",    "eine",
    "est",  "for",   "from",  "für",   "has",    "have",  "ich",     "ihr",    "ist",
    "les",  "mit",   "nicht", "not",   "our",    "par",   "pas",     "please", "pour",
    "que",  "qui",   "sie",   "sind",  "sur",    "that",  "the",     "this",   "und",
    "une",  "von",   "was",   "wir",   "with",   "you",   "your",    "zu",     "zum",
    "zur",  "bitte", "hello", "hallo", "thanks", "danke", "bonjour", "merci"};

bool IsStopword(std::string_view w) {
  return std::find(std::begin(kStopwords), std::end(kStopwords), w) != std::end(kStopwords);
}

// Counts code points, so that a two-letter word in any script is treated alike.
std::size_t CodePoints(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

TokenSet::TokenSet(std::string_view text) {
  const std::string normalized = text::Normalize(text);
  std::vector<std::string_view> tokens;
  text::Tokenize(normalized, &tokens);
  words_.reserve(tokens.size());
  for (std::string_view t : tokens) {
    if (CodePoints(t) < 3 || IsStopword(t)) continue;
    words_.emplace_back(t);
  }
  std::sort(words_.begin(), words_.end());
  words_.erase(std::unique(words_.begin(), words_.end()), words_.end());
}

bool TokenSet::Contains(std::string_view word) const {
  return std::binary_search(words_.begin(), words_.end(), word);
}

namespace {
std::size_t Shared(const TokenSet& a, const TokenSet& b) {
  std::size_t shared = 0;
  auto i = a.words().begin(), j = b.words().begin();
  while (i != a.words().end() && j != b.words().end()) {
    const int c = i->compare(*j);
    if (c == 0) {
      ++shared;
      ++i;
      ++j;
    } else if (c < 0) {
      ++i;
    } else {
      ++j;
    }
  }
  return shared;
}
}  // namespace

double Cosine(const TokenSet& a, const TokenSet& b) {
  if (a.empty() || b.empty()) return 0.0;
  return static_cast<double>(Shared(a, b)) /
         std::sqrt(static_cast<double>(a.words().size()) * static_cast<double>(b.words().size()));
}

double Coverage(const TokenSet& query, const TokenSet& doc) {
  if (query.empty() || doc.empty()) return 0.0;
  return static_cast<double>(Shared(query, doc)) / static_cast<double>(query.words().size());
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace ticketwise::triage
