#include "retrieve/semantic.h"

#include <algorithm>
#include <cmath>

namespace ticketwise::retrieve {
namespace {

std::uint64_t Mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

void SemanticModel::Grow(std::size_t vocabulary) {
  const std::size_t need = vocabulary * options_.dim;
  if (context_.size() >= need) return;
  if (context_.capacity() < need) context_.reserve(std::max(need, context_.capacity() * 3 / 2));
  context_.resize(need, 0.0f);
  norm2_.resize(vocabulary, 0.0);
}

void SemanticModel::Learn(std::span<const TermRef> sequence) {
  const std::size_t n = sequence.size();
  const std::size_t window = options_.window;
  const std::uint32_t dim = options_.dim;
  for (std::size_t i = 0; i < n; ++i) {
    float* row = context_.data() + std::size_t(sequence[i].id) * dim;
    double& norm2 = norm2_[sequence[i].id];
    const std::size_t lo = i >= window ? i - window : 0;
    const std::size_t hi = std::min(n, i + window + 1);
    for (std::size_t j = lo; j < hi; ++j) {
      if (j == i || sequence[j].id == sequence[i].id) continue;
      // Nearer neighbours count more.
      const float w = sequence[j].weight / static_cast<float>(j > i ? j - i : i - j);
      std::uint64_t h = sequence[j].hash;
      for (std::uint32_t k = 0; k < options_.index_nonzero; ++k) {
        h = Mix(h);
        float& v = row[h % dim];
        const float delta = (h >> 63) ? w : -w;
        norm2 += (2.0 * v + delta) * delta;
        v += delta;
      }
    }
  }
}

void SemanticModel::Embed(std::span<const TermRef> terms, std::span<const float> weights,
                          std::span<float> out) const {
  const std::uint32_t dim = options_.dim;
  const float identity =
      options_.identity_weight / std::sqrt(static_cast<float>(options_.index_nonzero));
  std::fill(out.begin(), out.end(), 0.0f);
  for (std::size_t t = 0; t < terms.size(); ++t) {
    if (identity != 0) {
      std::uint64_t h = terms[t].hash;
      for (std::uint32_t k = 0; k < options_.index_nonzero; ++k) {
        h = Mix(h);
        out[h % dim] += (h >> 63) ? weights[t] * identity : -weights[t] * identity;
      }
    }
    if (std::size_t(terms[t].id + 1) * dim > context_.size()) continue;
    const float* row = context_.data() + std::size_t(terms[t].id) * dim;
    const double norm2 = norm2_[terms[t].id];
    if (norm2 <= 1e-12) continue;
    const float scale = static_cast<float>(weights[t] / std::sqrt(norm2));
    for (std::uint32_t d = 0; d < dim; ++d) out[d] += scale * row[d];
  }
  float norm2 = 0;
  for (float v : out) norm2 += v * v;
  if (norm2 <= 0) return;
  const float inv = 1.0f / std::sqrt(norm2);
  for (float& v : out) v *= inv;
}

float Dot(std::span<const float> a, std::span<const float> b) {
  float s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

}  // namespace ticketwise::retrieve
