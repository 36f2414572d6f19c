#include "retrieve/analyzer.h"

#include <algorithm>
#include <array>

#include "retrieve/stemmer.h"
#include "text/normalize.h"
#include "text/tokenize.h"

namespace ticketwise::retrieve {
namespace {

// Sorted, so that lookup is a binary search over a constant table.
constexpr auto kStopWords = std::to_array<std::string_view>({
    "a",       "about", "above",  "after", "again",  "all",  "also",  "am",      "an",    "and",
    "any",     "are",   "as",     "at",    "auf",    "be",   "been",  "before",  "being", "below",
    "between", "bitte", "both",   "but",   "by",     "can",  "could", "das",     "dass",  "dem",
    "den",     "der",   "des",    "did",   "die",    "do",   "does",  "doing",   "down",  "during",
    "each",    "ein",   "eine",   "einen", "einer",  "es",   "few",   "for",     "from",  "further",
    "für",     "had",   "has",    "have",  "having", "he",   "her",   "here",    "hers",  "him",
    "his",     "how",   "i",      "ich",   "if",     "im",   "in",    "into",    "is",    "ist",
    "it",      "its",   "itself", "just",  "me",     "mit",  "more",  "most",    "my",    "myself",
    "nicht",   "no",    "nor",    "not",   "now",    "of",   "off",   "on",      "once",  "only",
    "or",      "other", "our",    "ours",  "out",    "over", "own",   "same",    "she",   "should",
    "sie",     "sind",  "so",     "some",  "such",   "than", "that",  "the",     "their", "theirs",
    "them",    "then",  "there",  "these", "they",   "this", "those", "through", "to",    "too",
    "und",     "under", "until",  "up",    "us",     "very", "von",   "was",     "we",    "were",
    "what",    "when",  "where",  "which", "while",  "who",  "whom",  "why",     "will",  "wir",
    "with",    "would", "you",    "your",  "yours",  "zu",
});

}  // namespace

bool IsStopWord(std::string_view word) {
  if (word.size() > 7) return false;  // the longest stop words ("between", "through") have 7
  return std::binary_search(kStopWords.begin(), kStopWords.end(), word);
}

void Analyze(std::string_view text, std::vector<std::string>* terms, AnalyzeScratch* scratch) {
  terms->clear();
  text::NormalizeInto(text, &scratch->normalized);
  text::Tokenize(scratch->normalized, &scratch->tokens);
  for (std::string_view tok : scratch->tokens) {
    if (tok.size() < 2 || tok.size() > kMaxTermBytes || IsStopWord(tok)) continue;
    terms->emplace_back(tok);
    StemInPlace(&terms->back());
  }
}

}  // namespace ticketwise::retrieve
