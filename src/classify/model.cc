#include "classify/model.h"

#include <algorithm>
#include <cmath>

namespace ticketwise::classify {

void Margins(const std::vector<float>& weights, const std::vector<float>& bias,
             std::size_t n_labels, const std::vector<std::uint32_t>& rows,
             const std::vector<float>& values, float* margins) {
  std::copy(bias.begin(), bias.end(), margins);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const float v = values[i];
    const float* w = weights.data() + std::size_t(rows[i]) * n_labels;
    for (std::size_t c = 0; c < n_labels; ++c) margins[c] += v * w[c];
  }
}

void Softmax(float temperature, float* margins, std::size_t n) {
  if (n == 0) return;
  float max = margins[0];
  for (std::size_t c = 1; c < n; ++c) max = std::max(max, margins[c]);
  float sum = 0.0f;
  for (std::size_t c = 0; c < n; ++c) {
    margins[c] = std::exp((margins[c] - max) * temperature);
    sum += margins[c];
  }
  for (std::size_t c = 0; c < n; ++c) margins[c] /= sum;
}

Model ModelBuilder::Build(LabelSet labels, TrainOptions options, TrainingInfo info,
                          FeatureSpace space, std::vector<float> weights, std::vector<float> bias,
                          std::vector<float> thresholds, WordCache cache,
                          AffineCalibration calibration) {
  Model m;
  m.labels_ = std::move(labels);
  m.options_ = options;
  m.info_ = info;
  m.extractor_ = text::FeatureExtractor(options.features);
  m.space_ = std::move(space);
  m.bias_ = std::move(bias);
  m.thresholds_ = std::move(thresholds);
  m.cache_ = std::move(cache);
  m.calibration_ = std::move(calibration);
  const std::size_t n_labels = m.labels_.size();
  m.packed_.resize(m.space_.size() * (n_labels + 1));
  for (std::size_t r = 0; r < m.space_.size(); ++r) {
    float* dst = m.packed_.data() + r * (n_labels + 1);
    dst[0] = m.space_.idf()[r];
    std::copy_n(weights.data() + r * n_labels, n_labels, dst + 1);
  }
  return m;
}

std::vector<float> Model::weights() const {
  const std::size_t n = labels_.size();
  std::vector<float> out(space_.size() * n);
  for (std::size_t r = 0; r < space_.size(); ++r)
    std::copy_n(packed_.data() + r * (n + 1) + 1, n, out.data() + r * n);
  return out;
}

void Model::Probabilities(std::string_view text, PredictScratch* scratch,
                          std::vector<float>* probs) const {
  extractor_.Extract(text, &scratch->features, &scratch->x);
  // The same arithmetic as the trainer's input vector (feature_space.h), summed unnormalized per
  // half and scaled by each half's norm at the end. Known words take their character half from the
  // cache.
  const std::size_t n = labels_.size();
  const text::SparseVector& x = scratch->x;
  scratch->group_scores.assign(2 * n, 0.0f);
  float* words = scratch->group_scores.data();
  float* chars = words + n;
  double norm_words = 0.0, norm_chars = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::int64_t r = space_.Find(x.ids[i]);
    if (r < 0) continue;
    const float* row = packed_.data() + std::size_t(r) * (n + 1);
    const float v = x.values[i] * row[0];
    norm_words += double(v) * v;
    for (std::size_t c = 0; c < n; ++c) words[c] += v * row[1 + c];
  }
  for (const text::WordRef& w : x.words) {
    if (const float* entry = cache_.Find(w.hash)) {
      const float a = w.weight * entry[0];
      norm_chars += double(a) * a;
      for (std::size_t c = 0; c < n; ++c) chars[c] += a * entry[1 + c];
      continue;
    }
    space_.WordCharVector(extractor_, w.token, &scratch->ngrams, &scratch->rows, &scratch->values);
    if (scratch->rows.empty()) continue;
    const float a = space_.WordWeight(w);
    norm_chars += double(a) * a;
    for (std::size_t k = 0; k < scratch->rows.size(); ++k) {
      const float* row = packed_.data() + std::size_t(scratch->rows[k]) * (n + 1);
      const float v = a * scratch->values[k];
      for (std::size_t c = 0; c < n; ++c) chars[c] += v * row[1 + c];
    }
  }
  const double kHalf = std::sqrt(0.5);
  const float scale_words =
      norm_words > 0 ? static_cast<float>(kHalf / std::sqrt(norm_words)) : 0.0f;
  const float scale_chars =
      norm_chars > 0 ? static_cast<float>(kHalf / std::sqrt(norm_chars)) : 0.0f;
  probs->resize(n);
  for (std::size_t c = 0; c < n; ++c)
    (*probs)[c] = bias_[c] + words[c] * scale_words + chars[c] * scale_chars;
  ApplyAffine(calibration_, probs->data(), n);
}

float Model::Threshold(std::uint32_t label, double target_precision) const {
  if (!(target_precision >= 0.0)) return std::nextafter(1.0f, 2.0f);  // NaN: abstain
  if (target_precision < kMinTarget) return 0.0f;
  // Round up to the grid; a small epsilon keeps 0.95 on 0.95 despite binary fractions.
  const double step = std::ceil((target_precision - kMinTarget) * 100.0 - 1e-6);
  if (step >= kTargetSteps) return std::nextafter(1.0f, 2.0f);
  if (step < 0) return thresholds_[label];
  return thresholds_[std::size_t(step) * labels_.size() + label];
}

Prediction Model::Predict(std::string_view text, double target_precision, std::size_t top_k,
                          PredictScratch* scratch) const {
  Prediction out;
  std::vector<float>& probs = scratch->probs;
  Probabilities(text, scratch, &probs);
  if (probs.empty()) return out;
  const auto best =
      static_cast<std::uint32_t>(std::max_element(probs.begin(), probs.end()) - probs.begin());
  out.label = best;
  out.confidence = probs[best];
  // Fails closed: a NaN confidence or threshold abstains.
  out.abstained = !(out.confidence >= Threshold(best, target_precision));
  const std::size_t k = std::min(top_k, probs.size());
  out.top.reserve(k);
  for (std::uint32_t c = 0; c < probs.size(); ++c) out.top.push_back({c, probs[c]});
  std::partial_sort(out.top.begin(), out.top.begin() + k, out.top.end(),
                    [](const LabelProbability& a, const LabelProbability& b) {
                      return a.p != b.p ? a.p > b.p : a.label < b.label;
                    });
  out.top.resize(k);
  return out;
}

}  // namespace ticketwise::classify
