// Hashed n-gram features: the one representation of ticket text that every model in ticketwise reads.
//
// Text is normalized (normalize.h), tokenized (tokenize.h) and turned into two groups of hashed features: words
// and word bigrams, and character n-grams of each word with boundary marks ("<vpn>" -> "<v", "vp", ... "pn>").
// Each distinct feature gets the weight 1 + log(count) (sublinear term frequency). Models apply their own learned
// per-feature weighting (idf) on top. A FeatureExtractor is immutable after construction and safe to share
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
  std::uint32_t char_min = 2;     // character n-gram lengths, in code points, boundary marks included;
  std::uint32_t char_max = 5;     //   char_max 0 turns character n-grams off
};

// A sparse feature vector: ascending unique feature ids with their weights. Ids of the word group are in
// [0, 2^hash_bits); ids of the character group are in [2^hash_bits, 2^(hash_bits+1)).
struct SparseVector {
  std::vector<std::uint32_t> ids;
  std::vector<float> values;
  std::uint32_t word_count = 0;  // how many of the entries (the first ones) belong to the word group

  std::size_t size() const { return ids.size(); }
  void clear() {
    ids.clear();
    values.clear();
    word_count = 0;
  }
};

// Reusable per-thread buffers so that extraction does not allocate in steady state.
struct FeatureScratch {
  std::string normalized;
  std::vector<std::string_view> tokens;
  std::vector<std::uint32_t> raw;      // hashed ids in order of appearance, duplicates included
  std::vector<std::uint32_t> counts;   // parallel to the dedup table
  std::vector<std::uint32_t> table;    // open-addressing dedup table of ids + 1
};

class FeatureExtractor {
 public:
  explicit FeatureExtractor(FeatureOptions options = {});

  // Extracts the features of `text` (raw UTF-8; invalid bytes are replaced) into `*out`.
  void Extract(std::string_view text, FeatureScratch* scratch, SparseVector* out) const;

  // Number of distinct feature ids: 2^(hash_bits + 1).
  std::uint32_t dimension() const { return 2u << options_.hash_bits; }
  const FeatureOptions& options() const { return options_; }

 private:
  void HashWords(const std::vector<std::string_view>& tokens, std::vector<std::uint32_t>* raw) const;
  void HashCharNgrams(const std::vector<std::string_view>& tokens, std::vector<std::uint32_t>* raw) const;

  FeatureOptions options_;
  std::uint32_t mask_;
};

}  // namespace ticketwise::text
