// The semantic signal: word vectors learned from the tenant's own text by random indexing (Kanerva
// et al.; Sahlgren 2005), with no downloaded model. Every term has a fixed sparse random "index
// vector" derived from a hash of the term; its "context vector" is the sum of the index vectors of
// the terms that occur near it. Terms used in the same contexts ("outlook" and "mailbox", "vpn" and
// "tunnel") get similar context vectors even when they never occur together. A text's embedding is
// the idf-weighted sum of its terms' normalized context vectors, so two tickets can be close
// without sharing a word.
//
// Learning is incremental (adding a document only adds to context vectors), which is what lets the
// index take new documents without a rebuild. Not thread-safe: the owning Index serializes writers
// and lets readers share it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace ticketwise::retrieve {

struct SemanticOptions {
  std::uint32_t dim = 128;          // embedding dimensions
  std::uint32_t window = 3;         // neighbours on each side that count as context
  std::uint32_t index_nonzero = 4;  // non-zero entries (+1/-1) in each term's random index vector
  float identity_weight = 1.0f;     // how much of a term's own index vector joins its context
};

// A term occurrence after analysis: the term's id in the Index vocabulary and its hash.
struct TermRef {
  std::uint32_t id = 0;
  std::uint64_t hash = 0;
  float weight = 1;  // how much this term tells about its neighbours' contexts (its idf)
};

class SemanticModel {
 public:
  explicit SemanticModel(SemanticOptions options = {}) : options_(options) {}

  std::uint32_t dim() const { return options_.dim; }

  // Learns from one document's term sequence (ids must be < the vocabulary size passed to Grow).
  void Learn(std::span<const TermRef> sequence);
  // Makes room for term ids below `vocabulary`.
  void Grow(std::size_t vocabulary);

  // Writes the unit-length embedding of a bag of terms into `out` (dim() floats): the sum of
  // weight * (normalized context vector + identity_weight * the term's own index vector). All
  // zeros for an empty bag.
  void Embed(std::span<const TermRef> terms, std::span<const float> weights,
             std::span<float> out) const;

  std::size_t MemoryBytes() const {
    return context_.capacity() * sizeof(float) + norm2_.capacity() * sizeof(double);
  }

 private:
  SemanticOptions options_;
  std::vector<float> context_;  // vocabulary x dim, row-major
  std::vector<double> norm2_;   // squared length of each context vector, kept up to date
};

// Dot product of two embeddings of the same dimension.
float Dot(std::span<const float> a, std::span<const float> b);

}  // namespace ticketwise::retrieve
