// Turns text into index terms: the project's text pipeline (text::Normalize, text::Tokenize)
// followed by stop-word removal and English stemming (stemmer.h). The same analysis runs on
// documents and on queries, so a query term matches whatever a document term was reduced to. Markup
// is not stripped here: documents arrive stripped (ingest, kb parsers) and queries are plain text.
// Pure functions, thread-safe; `AnalyzeScratch` is per caller.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ticketwise::retrieve {

// Terms longer than this many bytes (base64 blobs, stack-trace noise) are dropped.
inline constexpr std::size_t kMaxTermBytes = 64;

// Reusable buffers so that analysing many texts does not allocate per call.
struct AnalyzeScratch {
  std::string normalized;
  std::vector<std::string_view> tokens;
};

// Appends the terms of `text`, in order, to `*terms` (cleared first). Stop words, one-character
// tokens and over-long tokens are dropped; ASCII words are stemmed.
void Analyze(std::string_view text, std::vector<std::string>* terms, AnalyzeScratch* scratch);

inline std::vector<std::string> Analyze(std::string_view text) {
  std::vector<std::string> terms;
  AnalyzeScratch scratch;
  Analyze(text, &terms, &scratch);
  return terms;
}

// True for the English (and the most common German) function words the index does not keep.
// `word` is normalized and unstemmed.
bool IsStopWord(std::string_view word);

}  // namespace ticketwise::retrieve
