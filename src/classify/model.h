// Model: a trained text classifier over hashed n-gram features, with calibrated probabilities and
// per-class abstention thresholds.
//
// Scores are one-vs-rest linear SVM margins over the input vector of feature_space.h: tf-idf
// weighted words and word n-grams, and a character n-gram view of each word. Probabilities are a
// softmax of the margins at a temperature fitted on held-out calibration data. For every target
// precision on a 1% grid (0.50 to 0.99) and every label, the model holds the lowest confidence at
// which its held-out predictions of that label kept the target precision; a prediction below it
// abstains.
//
// A Model is immutable after training or loading; Predict is const and safe from many threads, each
// with its own PredictScratch. Model files: see model_file.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "classify/calibration.h"
#include "classify/feature_space.h"
#include "classify/word_cache.h"
#include "text/features.h"
#include "ticketwise/label_set.h"
#include "ticketwise/status.h"

namespace ticketwise::classify {

// Training options; they are stored in the model file.
struct TrainOptions {
  text::FeatureOptions features;
  double c = 0.5;            // SVM inverse regularization strength
  std::uint32_t min_df = 2;  // features seen in fewer training tickets are dropped
  double calibration_fraction =
      0.15;                       // share of each label held out for calibration, then trained on
  std::uint32_t max_epochs = 40;  // upper bound on dual coordinate descent passes
  std::uint64_t seed = 1;         // same data + same seed = same model file, byte for byte
  std::uint32_t threads = 0;      // 0: one per core. Does not change the result.
};

// What training saw; stored in the model file and shown by `ticketwise eval`.
struct TrainingInfo {
  std::uint64_t n_train = 0;        // tickets used
  std::uint64_t n_calibration = 0;  // of which held out for calibration first
  std::uint64_t n_features = 0;     // distinct features kept after min_df
  float temperature =
      1.0f;  // shared softmax scale fitted on calibration data (before per-label affine)
  float calibration_accuracy = 0.0f;
};

struct LabelProbability {
  std::uint32_t label = 0;
  float p = 0.0f;
};

struct Prediction {
  std::uint32_t label = 0;  // index into labels()
  float confidence = 0.0f;  // calibrated probability of `label`
  bool abstained = false;   // confidence is below the label's threshold for the target precision
  std::vector<LabelProbability> top;  // best first
};

struct PredictScratch {
  text::FeatureScratch features;
  text::SparseVector x;
  std::vector<float> group_scores;  // 2 x labels: unnormalized word and character margins
  std::vector<std::uint32_t> ngrams, rows;
  std::vector<float> values;
  std::vector<float> probs;
};

class Model {
 public:
  static constexpr double kMinTarget = 0.50;
  static constexpr std::uint32_t kTargetSteps = 50;  // targets 0.50, 0.51, ..., 0.99

  Model() = default;

  const LabelSet& labels() const { return labels_; }
  const TrainOptions& options() const { return options_; }
  const TrainingInfo& info() const { return info_; }
  const FeatureSpace& space() const { return space_; }
  const text::FeatureExtractor& extractor() const { return extractor_; }
  // The label weights, row-major (row * labels + label): a copy, rebuilt from the prediction
  // layout.
  std::vector<float> weights() const;
  const std::vector<float>& bias() const { return bias_; }
  const std::vector<float>& thresholds() const { return thresholds_; }
  const WordCache& word_cache() const { return cache_; }
  const AffineCalibration& calibration() const { return calibration_; }

  // Calibrated probabilities of every label for `text`, in label order, into `*probs`.
  void Probabilities(std::string_view text, PredictScratch* scratch,
                     std::vector<float>* probs) const;

  // Top label, its confidence, whether it abstains at `target_precision` (clamped to the grid; a
  // target between grid points uses the next higher one), and the `top_k` most probable labels.
  Prediction Predict(std::string_view text, double target_precision, std::size_t top_k,
                     PredictScratch* scratch) const;

  // The confidence `label` needs to be predicted at `target_precision`. Above the grid: 1.0 plus
  // epsilon (abstain always); below it: 0.
  float Threshold(std::uint32_t label, double target_precision) const;

  // Serialization (model_file.cc).
  std::string Serialize() const;
  static Result<Model> Deserialize(std::string_view bytes);
  // The checksum a model file ends with, over every byte before it. Exposed so that fuzzing can
  // reach the parser behind the checksum.
  static std::uint64_t FileChecksum(std::string_view body);
  Status Save(const std::string& path) const;
  static Result<Model> Load(const std::string& path);

 private:
  friend class ModelBuilder;

  LabelSet labels_;
  TrainOptions options_;
  TrainingInfo info_;
  text::FeatureExtractor extractor_;
  FeatureSpace space_;
  // Prediction layout: per row its idf then its label weights, so one feature costs one memory
  // access.
  std::vector<float> packed_;
  std::vector<float> bias_;        // per label
  std::vector<float> thresholds_;  // [step * n_labels + label]
  WordCache cache_;
  AffineCalibration calibration_;
};

// Margins of every label for a transformed input (see FeatureSpace::Transform) into `*margins`.
void Margins(const std::vector<float>& weights, const std::vector<float>& bias,
             std::size_t n_labels, const std::vector<std::uint32_t>& rows,
             const std::vector<float>& values, float* margins);

// Softmax of `margins * temperature`, in place.
void Softmax(float temperature, float* margins, std::size_t n);

// ModelBuilder assembles a Model from trained parts; used by the trainer and by tests.
class ModelBuilder {
 public:
  // REQUIRES: weights.size() == space.size() * labels.size(), bias.size() == labels.size(),
  // thresholds.size() == Model::kTargetSteps * labels.size().
  static Model Build(LabelSet labels, TrainOptions options, TrainingInfo info, FeatureSpace space,
                     std::vector<float> weights, std::vector<float> bias,
                     std::vector<float> thresholds, WordCache cache, AffineCalibration calibration);
};

}  // namespace ticketwise::classify
