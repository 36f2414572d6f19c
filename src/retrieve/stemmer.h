// English stemmer for retrieval: the Porter (1980) suffix-stripping rules, so that "crashes",
// "crashed" and "crashing" index as one term. Only words made of ASCII letters are stemmed;
// numbers, error codes, hostnames and words in other scripts come back unchanged, because stripping
// suffixes from them would merge things that differ. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace ticketwise::retrieve {

// Stems `word` (already lower-case, see text::Normalize) in place.
void StemInPlace(std::string* word);

inline std::string Stem(std::string_view word) {
  std::string out(word);
  StemInPlace(&out);
  return out;
}

}  // namespace ticketwise::retrieve
