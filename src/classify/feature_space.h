// FeatureSpace: the vocabulary a model keeps (hashed feature ids seen in at least min_df training
// tickets), their idf weights, and how extracted features become the model's input vector.
//
// The input vector has two halves, each L2-normalized to 1/sqrt(2):
//   - words: the word group (words and word n-grams) weighted tf * idf;
//   - characters: the sum over distinct words w of a_w * u_w, where u_w is the unit-length
//   idf-weighted vector of
//     w's character n-grams and a_w = tf(w) * idf(w), divided by sqrt(sum a_w^2). Treating the u_w
//     as orthogonal in that norm makes each word's contribution to a linear score independent of
//     the other words, so a model can precompute it once per vocabulary word.
// Immutable after construction; all methods are const and thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "text/features.h"

namespace ticketwise::classify {

class FeatureSpace {
 public:
  FeatureSpace() = default;
  // REQUIRES: feature_ids unique, idf the same size. `group_split` is the first id of
  // the character group (2^hash_bits).
  FeatureSpace(std::vector<std::uint32_t> feature_ids, std::vector<float> idf,
               std::uint32_t group_split);

  // Builds the space from document frequencies: ids present in at least `min_df` of `n_docs`
  // documents, with smooth idf = ln((1 + n_docs) / (1 + df)) + 1.
  static FeatureSpace FromDocumentFrequencies(
      const std::vector<std::pair<std::uint32_t, std::uint32_t>>& id_df, std::uint64_t n_docs,
      std::uint32_t min_df, std::uint32_t group_split);

  // Row of `feature_id`, or -1 when the space does not hold it.
  std::int64_t Find(std::uint32_t feature_id) const;

  // The word half: rows with tf-idf values scaled to length 1/sqrt(2). Unknown features are
  // dropped. Outputs are cleared first.
  void TransformWords(const text::SparseVector& x, std::vector<std::uint32_t>* rows,
                      std::vector<float>* values) const;

  // u_w of one normalized word: rows of its known character n-grams with unit-length idf weights.
  // Empty when none is known. `ngrams` is scratch space.
  void WordCharVector(const text::FeatureExtractor& extractor, std::string_view token,
                      std::vector<std::uint32_t>* ngrams, std::vector<std::uint32_t>* rows,
                      std::vector<float>* values) const;

  // a_w: the word's weight in the text times its idf (the largest idf when the word is not in the
  // vocabulary).
  float WordWeight(const text::WordRef& word) const {
    const std::int64_t r = Find(word.id);
    return word.weight * (r >= 0 ? idf_[r] : unknown_idf_);
  }

  std::size_t size() const { return ids_.size(); }
  // False when building the lookup index was abandoned (see WordCache::valid).
  bool valid() const { return valid_; }
  const std::vector<std::uint32_t>& ids() const { return ids_; }
  const std::vector<float>& idf() const { return idf_; }
  std::uint32_t group_split() const { return group_split_; }

 private:
  std::vector<std::uint32_t> ids_;
  std::vector<float> idf_;
  std::uint32_t group_split_ = 0;
  float unknown_idf_ = 1.0f;
  bool valid_ = true;
  // Open addressing, key and row side by side so a lookup touches one cache line. key = id + 1, 0 =
  // empty.
  struct Slot {
    std::uint32_t key;
    std::uint32_t row;
  };
  std::vector<Slot> slots_;
  std::uint32_t mask_ = 0;
};

}  // namespace ticketwise::classify
