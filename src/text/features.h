// Hashed n-gram features: the one representation of ticket text that every model in ticketwise
// reads.
//
// Text is normalized (normalize.h) and tokenized (tokenize.h). Extraction yields two things:
//   - the word group: hashed words and word n-grams, each distinct one weighted 1 + log(count);
//   - the distinct words themselves, with the same weight, so that models can add a character view
//   of each word.
// Character n-grams ("<vpn>" -> "<v", "vp", ..., "pn>") are computed per word on request
// (CharNgrams), which lets models compute a word's character vector once and reuse it for every
// ticket containing the word. A FeatureExtractor is immutable after construction and safe to share
// between threads; each thread passes its own FeatureScratch.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ticketwise::text {

struct FeatureOptions {
  std::uint32_t hash_bits = 22;   // features are hashed into 2^hash_bits buckets per group
  std::uint32_t word_ngrams = 2;  // 1: words only; 2: words and adjacent pairs; up to 3
  std::uint32_t char_min = 3;  // character n-gram lengths, in code points, boundary marks included;
  std::uint32_t char_max = 5;  //   char_max 0 turns character n-grams off
};

// One distinct word of a text.
struct WordRef {
  std::uint64_t hash =
      0;  // 64-bit hash of the normalized word; its word-group id is its low hash_bits
  std::uint32_t id = 0;    // the word's id in the word group
  float weight = 0.0f;     // 1 + log(count in the text)
  std::string_view token;  // points into the FeatureScratch used for extraction
};

// The features of one text. `ids` are unique word-group ids in [0, 2^hash_bits) with their weights,
// in order of first appearance; `words` lists the distinct words in the same order.
struct SparseVector {
  std::vector<std::uint32_t> ids;
  std::vector<float> values;
  std::vector<WordRef> words;

  std::size_t size() const { return ids.size(); }
  void clear() {
    ids.clear();
    values.clear();
    words.clear();
  }
};

// Reusable per-thread buffers so that extraction does not allocate in steady state.
struct FeatureScratch {
  std::string normalized;
  std::vector<std::string_view> tokens;
  std::vector<std::uint64_t> word_hashes;
  std::vector<std::uint32_t> raw;    // hashed ids in order of appearance, duplicates included
  std::vector<std::uint32_t> table;  // open-addressing dedup table of ids + 1
  std::vector<std::uint32_t> slot_pos;
};

class FeatureExtractor {
 public:
  explicit FeatureExtractor(FeatureOptions options = {});

  // Extracts the features of `text` (raw UTF-8; invalid bytes are replaced) into `*out`. The word
  // tokens in `out->words` stay valid until `scratch` is used again.
  void Extract(std::string_view text, FeatureScratch* scratch, SparseVector* out) const;

  // The character n-gram ids of one normalized word, in [2^hash_bits, 2^(hash_bits+1)), sorted and
  // unique. Empty when character n-grams are off.
  void CharNgrams(std::string_view token, std::vector<std::uint32_t>* ids) const;

  // Number of distinct feature ids over both groups: 2^(hash_bits + 1).
  std::uint32_t dimension() const { return 2u << options_.hash_bits; }
  const FeatureOptions& options() const { return options_; }

 private:
  FeatureOptions options_;
  std::uint32_t mask_;
};

}  // namespace ticketwise::text
