#include "classify/trainer.h"

#include <algorithm>
#include <atomic>
#include <cmath>

#include "classify/calibration.h"
#include "classify/csr.h"
#include "classify/linear_svm.h"
#include "classify/rng.h"
#include "core/parallel.h"

namespace ticketwise::classify {
namespace {

struct Encoded {
  FeatureSpace space;
  CsrMatrix x;
};

// Extracts, counts document frequencies, builds the feature space and the normalized CSR matrix.
Encoded Encode(const std::vector<std::string_view>& texts, const TrainOptions& options,
               const ProgressFn& progress) {
  const text::FeatureExtractor extractor(options.features);
  const unsigned threads = ResolveThreads(options.threads);
  std::vector<text::SparseVector> xs(texts.size());
  std::vector<text::FeatureScratch> scratch(threads);
  constexpr std::size_t kChunk = 256;
  const std::size_t n_chunks = (texts.size() + kChunk - 1) / kChunk;
  std::atomic<std::size_t> done{0};
  ParallelFor(n_chunks, threads, [&](std::size_t chunk, unsigned worker) {
    const std::size_t end = std::min(texts.size(), (chunk + 1) * kChunk);
    for (std::size_t i = chunk * kChunk; i < end; ++i) extractor.Extract(texts[i], &scratch[worker], &xs[i]);
    if (progress && worker == 0) progress("features", double(done.fetch_add(1) + 1) / double(n_chunks));
    else done.fetch_add(1);
  });

  std::vector<std::uint32_t> df(extractor.dimension(), 0);
  for (const text::SparseVector& x : xs)
    for (std::uint32_t id : x.ids) ++df[id];
  std::vector<std::pair<std::uint32_t, std::uint32_t>> id_df;
  for (std::uint32_t id = 0; id < df.size(); ++id)
    if (df[id] > 0) id_df.emplace_back(id, df[id]);
  df = {};
  Encoded out;
  out.space = FeatureSpace::FromDocumentFrequencies(id_df, texts.size(), options.min_df,
                                                    1u << options.features.hash_bits);
  id_df = {};

  out.x.n_cols = static_cast<std::uint32_t>(out.space.size());
  std::vector<std::uint32_t> rows;
  std::vector<float> values;
  for (text::SparseVector& x : xs) {
    out.space.Transform(x, &rows, &values);
    out.x.AddRow(rows.data(), values.data(), rows.size());
    x = {};
  }
  return out;
}

// Trains one binary SVM per label over `rows`, one label per task. Fills weights (row-major) and bias.
void TrainOneVsRest(const CsrMatrix& x, const std::vector<std::uint32_t>& rows,
                    const std::vector<std::uint32_t>& y, std::size_t n_labels, const TrainOptions& options,
                    std::vector<std::vector<double>>* alphas, std::vector<float>* weights,
                    std::vector<float>* bias, const ProgressFn& progress, std::string_view stage) {
  weights->assign(std::size_t(x.n_cols) * n_labels, 0.0f);
  bias->assign(n_labels, 0.0f);
  std::vector<std::vector<double>> warm = std::move(*alphas);
  alphas->assign(n_labels, {});
  std::atomic<std::size_t> done{0};
  ParallelFor(n_labels, options.threads, [&](std::size_t c, unsigned) {
    BinaryProblem problem;
    problem.x = &x;
    problem.rows = &rows;
    problem.y.resize(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) problem.y[i] = y[rows[i]] == c ? 1 : -1;
    SvmOptions svm;
    svm.c = options.c;
    svm.max_epochs = options.max_epochs;
    svm.seed = options.seed * 0x9e3779b97f4a7c15ull + c;
    BinaryModel m = TrainBinarySvm(problem, svm, c < warm.size() ? &warm[c] : nullptr);
    for (std::size_t f = 0; f < m.w.size(); ++f) (*weights)[f * n_labels + c] = m.w[f];
    (*bias)[c] = m.bias;
    (*alphas)[c] = std::move(m.alpha);
    const std::size_t d = done.fetch_add(1) + 1;
    if (progress) progress(stage, double(d) / double(n_labels));
  });
}

}  // namespace

Result<Model> Train(const std::vector<std::string_view>& texts, const std::vector<std::string_view>& labels,
                    const TrainOptions& options, const ProgressFn& progress) {
  if (texts.size() != labels.size()) return Fail(Status::InvalidArgument("texts and labels differ in size"));
  if (texts.empty()) return Fail(Status::InvalidArgument("no training tickets"));
  if (options.features.hash_bits < 10 || options.features.hash_bits > 26)
    return Fail(Status::InvalidArgument("hash_bits must be in [10, 26]"));
  if (options.features.word_ngrams < 1 || options.features.word_ngrams > 3)
    return Fail(Status::InvalidArgument("word_ngrams must be 1, 2 or 3"));
  if (options.features.char_max != 0 &&
      (options.features.char_min < 1 || options.features.char_min > options.features.char_max ||
       options.features.char_max > 8))
    return Fail(Status::InvalidArgument("character n-gram lengths must satisfy 1 <= min <= max <= 8"));
  if (!(options.c > 0)) return Fail(Status::InvalidArgument("c must be positive"));
  if (!(options.calibration_fraction >= 0 && options.calibration_fraction < 0.5))
    return Fail(Status::InvalidArgument("calibration_fraction must be in [0, 0.5)"));

  LabelSet seen;
  for (std::string_view l : labels) seen.Add(l);
  if (seen.size() < 2)
    return Fail(Status::InvalidArgument("training needs at least two distinct labels, found " +
                                        std::to_string(seen.size())));
  LabelSet label_set = seen.Sorted(nullptr);
  std::vector<std::uint32_t> y(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) y[i] = *label_set.Find(labels[i]);
  const std::size_t n_labels = label_set.size();

  Encoded enc = Encode(texts, options, progress);

  // Stratified hold-out: the same share of every label, chosen by the seed.
  std::vector<std::vector<std::uint32_t>> by_label(n_labels);
  for (std::uint32_t i = 0; i < y.size(); ++i) by_label[y[i]].push_back(i);
  SplitMix64 rng(options.seed ^ 0x5bd1e995ull);
  std::vector<std::uint32_t> fit_rows, calib_rows;
  for (std::vector<std::uint32_t>& rows : by_label) {
    for (std::size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[rng.Below(i)]);
    // Labels with very few tickets keep all of them for training.
    const std::size_t k = rows.size() >= 5 ? std::size_t(std::floor(rows.size() * options.calibration_fraction))
                                           : 0;
    calib_rows.insert(calib_rows.end(), rows.begin(), rows.begin() + k);
    fit_rows.insert(fit_rows.end(), rows.begin() + k, rows.end());
  }
  std::sort(fit_rows.begin(), fit_rows.end());
  std::sort(calib_rows.begin(), calib_rows.end());

  TrainingInfo info;
  info.n_train = texts.size();
  info.n_calibration = calib_rows.size();
  info.n_features = enc.space.size();

  std::vector<std::vector<double>> alphas;
  std::vector<float> weights, bias;
  // Without held-out data there is nothing to trust a confidence on: every target abstains.
  std::vector<float> thresholds(std::size_t(Model::kTargetSteps) * n_labels, std::nextafter(1.0f, 2.0f));
  if (!calib_rows.empty()) {
    TrainOneVsRest(enc.x, fit_rows, y, n_labels, options, &alphas, &weights, &bias, progress, "train");
    std::vector<float> margins(calib_rows.size() * n_labels);
    std::vector<std::uint32_t> truth(calib_rows.size());
    std::vector<std::uint32_t> rows;
    std::vector<float> values;
    for (std::size_t i = 0; i < calib_rows.size(); ++i) {
      const std::uint32_t r = calib_rows[i];
      rows.assign(enc.x.cols.begin() + enc.x.row_start[r], enc.x.cols.begin() + enc.x.row_start[r + 1]);
      values.assign(enc.x.values.begin() + enc.x.row_start[r], enc.x.values.begin() + enc.x.row_start[r + 1]);
      Margins(weights, bias, n_labels, rows, values, margins.data() + i * n_labels);
      truth[i] = y[r];
    }
    info.temperature = FitTemperature(margins, truth, n_labels);
    std::vector<ScoredPrediction> points(calib_rows.size());
    std::size_t correct = 0;
    for (std::size_t i = 0; i < calib_rows.size(); ++i) {
      float* m = margins.data() + i * n_labels;
      Softmax(info.temperature, m, n_labels);
      const auto best = static_cast<std::uint32_t>(std::max_element(m, m + n_labels) - m);
      points[i] = {best, truth[i], m[best]};
      correct += best == truth[i];
    }
    info.calibration_accuracy = float(double(correct) / double(calib_rows.size()));
    thresholds = ChooseThresholds(points, n_labels);
    if (progress) progress("calibrate", 1.0);
    // Warm start for the refit: the fitted rows keep their dual variables, held-out rows start at zero.
    std::vector<std::uint32_t> all_rows(y.size());
    for (std::uint32_t i = 0; i < y.size(); ++i) all_rows[i] = i;
    for (std::vector<double>& a : alphas) {
      std::vector<double> full(y.size(), 0.0);
      for (std::size_t i = 0; i < fit_rows.size(); ++i) full[fit_rows[i]] = a[i];
      a = std::move(full);
    }
    TrainOneVsRest(enc.x, all_rows, y, n_labels, options, &alphas, &weights, &bias, progress, "refit");
  } else {
    TrainOneVsRest(enc.x, fit_rows, y, n_labels, options, &alphas, &weights, &bias, progress, "train");
  }

  return ModelBuilder::Build(std::move(label_set), options, info, std::move(enc.space), std::move(weights),
                             std::move(bias), std::move(thresholds));
}

}  // namespace ticketwise::classify
