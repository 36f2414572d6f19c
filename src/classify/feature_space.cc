#include "classify/feature_space.h"

#include <algorithm>
#include <cmath>

namespace ticketwise::classify {
namespace {

inline std::uint32_t SlotOf(std::uint32_t id, std::uint32_t mask) {
  id ^= id >> 16;
  id *= 0x7feb352du;
  id ^= id >> 15;
  id *= 0x846ca68bu;
  id ^= id >> 16;
  return id & mask;
}

}  // namespace

FeatureSpace::FeatureSpace(std::vector<std::uint32_t> feature_ids, std::vector<float> idf,
                           std::uint32_t group_split)
    : ids_(std::move(feature_ids)), idf_(std::move(idf)), group_split_(group_split) {
  for (float v : idf_) unknown_idf_ = std::max(unknown_idf_, v);
  std::uint32_t cap = 16;
  while (cap < ids_.size() * 2 + 1) cap <<= 1;
  mask_ = cap - 1;
  slots_.assign(cap, Slot{0, 0});
  for (std::uint32_t r = 0; r < ids_.size(); ++r) {
    std::uint32_t s = SlotOf(ids_[r], mask_);
    // See WordCache: a very long probe sequence means crafted input, not chance.
    for (std::uint32_t probe = 0; slots_[s].key != 0; ++probe) {
      if (probe > 512) {
        valid_ = false;
        slots_.clear();
        return;
      }
      s = (s + 1) & mask_;
    }
    slots_[s] = Slot{ids_[r] + 1, r};
  }
}

FeatureSpace FeatureSpace::FromDocumentFrequencies(
    const std::vector<std::pair<std::uint32_t, std::uint32_t>>& id_df, std::uint64_t n_docs,
    std::uint32_t min_df, std::uint32_t group_split) {
  // Rows go from the most to the least frequent feature: most lookups, in training and prediction,
  // then land in a small block of rows that stays in cache.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> kept;
  for (const auto& [id, df] : id_df)
    if (df >= min_df) kept.emplace_back(id, df);
  std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  std::vector<std::uint32_t> ids;
  std::vector<float> idf;
  ids.reserve(kept.size());
  idf.reserve(kept.size());
  for (const auto& [id, df] : kept) {
    ids.push_back(id);
    idf.push_back(static_cast<float>(std::log((1.0 + double(n_docs)) / (1.0 + double(df))) + 1.0));
  }
  return FeatureSpace(std::move(ids), std::move(idf), group_split);
}

std::int64_t FeatureSpace::Find(std::uint32_t feature_id) const {
  if (slots_.empty()) return -1;
  std::uint32_t s = SlotOf(feature_id, mask_);
  while (true) {
    const std::uint32_t k = slots_[s].key;
    if (k == feature_id + 1) return slots_[s].row;
    if (k == 0) return -1;
    s = (s + 1) & mask_;
  }
}

void FeatureSpace::TransformWords(const text::SparseVector& x, std::vector<std::uint32_t>* rows,
                                  std::vector<float>* values) const {
  rows->clear();
  values->clear();
  double norm = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::int64_t r = Find(x.ids[i]);
    if (r < 0) continue;
    const float v = x.values[i] * idf_[r];
    norm += double(v) * v;
    rows->push_back(static_cast<std::uint32_t>(r));
    values->push_back(v);
  }
  if (norm <= 0) return;
  const float scale = static_cast<float>(std::sqrt(0.5) / std::sqrt(norm));
  for (float& v : *values) v *= scale;
}

void FeatureSpace::WordCharVector(const text::FeatureExtractor& extractor, std::string_view token,
                                  std::vector<std::uint32_t>* ngrams,
                                  std::vector<std::uint32_t>* rows,
                                  std::vector<float>* values) const {
  rows->clear();
  values->clear();
  extractor.CharNgrams(token, ngrams);
  double norm = 0.0;
  for (std::uint32_t id : *ngrams) {
    const std::int64_t r = Find(id);
    if (r < 0) continue;
    rows->push_back(static_cast<std::uint32_t>(r));
    values->push_back(idf_[r]);
    norm += double(idf_[r]) * idf_[r];
  }
  if (norm <= 0) return;
  const float scale = static_cast<float>(1.0 / std::sqrt(norm));
  for (float& v : *values) v *= scale;
}

}  // namespace ticketwise::classify
