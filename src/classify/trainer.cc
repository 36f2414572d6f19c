#include "classify/trainer.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <string>
#include <unordered_map>

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
  // Every distinct training word: hash, text, and the rows of its character vector u_w.
  std::vector<std::uint64_t> word_hashes;  // ascending
  std::vector<std::string> word_tokens;
  std::vector<std::vector<std::uint32_t>> word_rows;
  std::vector<std::vector<float>> word_values;
};

// Extracts, counts document frequencies, builds the feature space and the normalized CSR matrix.
Encoded Encode(const std::vector<std::string_view>& texts, const TrainOptions& options,
               const ProgressFn& progress) {
  const text::FeatureExtractor extractor(options.features);
  const unsigned threads = ResolveThreads(options.threads);
  std::vector<text::SparseVector> xs(texts.size());
  std::vector<text::FeatureScratch> scratch(threads);
  std::vector<std::unordered_map<std::uint64_t, std::string>> seen(threads);
  constexpr std::size_t kChunk = 256;
  const std::size_t n_chunks = (texts.size() + kChunk - 1) / kChunk;
  std::atomic<std::size_t> done{0};
  ParallelFor(n_chunks, threads, [&](std::size_t chunk, unsigned worker) {
    const std::size_t end = std::min(texts.size(), (chunk + 1) * kChunk);
    for (std::size_t i = chunk * kChunk; i < end; ++i) {
      extractor.Extract(texts[i], &scratch[worker], &xs[i]);
      for (text::WordRef& w : xs[i].words) {
        seen[worker].try_emplace(w.hash, w.token);
        w.token = {};  // the scratch it points into is reused
      }
    }
    const std::size_t d = done.fetch_add(1) + 1;
    if (progress && worker == 0) progress("features", double(d) / double(n_chunks));
  });

  if (progress) progress("encode", 0.0);
  // The vocabulary in hash order, so that nothing below depends on which thread saw a word first.
  Encoded out;
  {
    std::vector<std::pair<std::uint64_t, std::string>> words;
    for (auto& m : seen)
      for (auto& [h, t] : m) words.emplace_back(h, std::move(t));
    seen = {};
    std::sort(words.begin(), words.end());
    words.erase(std::unique(words.begin(), words.end(),
                            [](const auto& a, const auto& b) { return a.first == b.first; }),
                words.end());
    for (auto& [h, t] : words) {
      out.word_hashes.push_back(h);
      out.word_tokens.push_back(std::move(t));
    }
  }
  const std::size_t n_words = out.word_hashes.size();
  // Each ticket's distinct words as vocabulary indices.
  std::vector<std::vector<std::uint32_t>> doc_words(xs.size());
  ParallelFor(n_chunks, threads, [&](std::size_t chunk, unsigned) {
    const std::size_t end = std::min(texts.size(), (chunk + 1) * kChunk);
    for (std::size_t i = chunk * kChunk; i < end; ++i) {
      for (const text::WordRef& w : xs[i].words) {
        doc_words[i].push_back(static_cast<std::uint32_t>(
            std::lower_bound(out.word_hashes.begin(), out.word_hashes.end(), w.hash) -
            out.word_hashes.begin()));
      }
    }
  });
  std::vector<std::vector<std::uint32_t>> ngrams(n_words);
  ParallelFor(n_words, threads, [&](std::size_t i, unsigned) {
    extractor.CharNgrams(out.word_tokens[i], &ngrams[i]);
  });

  // Document frequencies of words and word n-grams, one counter array per thread. A character
  // n-gram's document frequency is taken as the sum of the frequencies of the vocabulary words
  // containing it: exact unless one ticket has two such words, and it needs no pass over the
  // tickets.
  std::vector<std::vector<std::uint32_t>> df(threads);
  std::vector<std::vector<std::uint32_t>> word_df(threads);
  ParallelFor(n_chunks, threads, [&](std::size_t chunk, unsigned worker) {
    std::vector<std::uint32_t>& counts = df[worker];
    if (counts.empty()) {
      counts.assign(extractor.dimension(), 0);
      word_df[worker].assign(n_words, 0);
    }
    const std::size_t end = std::min(texts.size(), (chunk + 1) * kChunk);
    for (std::size_t i = chunk * kChunk; i < end; ++i) {
      for (std::uint32_t id : xs[i].ids) ++counts[id];
      for (std::uint32_t wi : doc_words[i]) ++word_df[worker][wi];
    }
  });
  // Any worker may have run no chunk at all (a fast one can take them all), so sum into the first
  // one that did.
  std::size_t first = 0;
  while (df[first].empty()) ++first;
  std::vector<std::uint32_t>& total = df[first];
  std::vector<std::uint32_t>& total_words = word_df[first];
  for (std::size_t t = first + 1; t < df.size(); ++t) {
    if (df[t].empty()) continue;
    for (std::size_t id = 0; id < total.size(); ++id) total[id] += df[t][id];
    for (std::size_t wi = 0; wi < n_words; ++wi) total_words[wi] += word_df[t][wi];
  }
  for (std::size_t wi = 0; wi < n_words; ++wi)
    for (std::uint32_t id : ngrams[wi]) total[id] += total_words[wi];
  ngrams = {};
  word_df = {};
  std::vector<std::pair<std::uint32_t, std::uint32_t>> id_df;
  for (std::uint32_t id = 0; id < total.size(); ++id)
    if (total[id] > 0)
      id_df.emplace_back(
          id, std::min<std::uint32_t>(total[id], static_cast<std::uint32_t>(texts.size())));
  df = {};
  out.space = FeatureSpace::FromDocumentFrequencies(id_df, texts.size(), options.min_df,
                                                    1u << options.features.hash_bits);
  id_df = {};

  out.word_rows.resize(n_words);
  out.word_values.resize(n_words);
  std::vector<std::vector<std::uint32_t>> ngram_scratch(threads);
  ParallelFor(n_words, threads, [&](std::size_t i, unsigned worker) {
    out.space.WordCharVector(extractor, out.word_tokens[i], &ngram_scratch[worker],
                             &out.word_rows[i], &out.word_values[i]);
  });

  // Rows in chunks, one CSR piece per chunk, joined in order so the matrix does not depend on the
  // threads.
  std::vector<CsrMatrix> pieces(n_chunks);
  struct RowScratch {
    std::vector<std::uint32_t> rows, touched;
    std::vector<float> values, acc;
    std::vector<std::uint8_t> mark;
  };
  std::vector<RowScratch> row_scratch(threads);
  ParallelFor(n_chunks, threads, [&](std::size_t chunk, unsigned worker) {
    RowScratch& rs = row_scratch[worker];
    if (rs.acc.empty()) {
      rs.acc.assign(out.space.size(), 0.0f);
      rs.mark.assign(out.space.size(), 0);
    }
    CsrMatrix& piece = pieces[chunk];
    const std::size_t end = std::min(texts.size(), (chunk + 1) * kChunk);
    for (std::size_t i = chunk * kChunk; i < end; ++i) {
      const text::SparseVector& x = xs[i];
      out.space.TransformWords(x, &rs.rows, &rs.values);
      double sum_a2 = 0.0;
      rs.touched.clear();
      for (std::size_t j = 0; j < x.words.size(); ++j) {
        const std::uint32_t wi = doc_words[i][j];
        const auto& ur = out.word_rows[wi];
        if (ur.empty()) continue;
        const auto& uv = out.word_values[wi];
        const float a = out.space.WordWeight(x.words[j]);
        sum_a2 += double(a) * a;
        for (std::size_t k = 0; k < ur.size(); ++k) {
          if (!rs.mark[ur[k]]) {
            rs.mark[ur[k]] = 1;
            rs.touched.push_back(ur[k]);
          }
          rs.acc[ur[k]] += a * uv[k];
        }
      }
      if (sum_a2 > 0) {
        const float scale = static_cast<float>(std::sqrt(0.5) / std::sqrt(sum_a2));
        for (std::uint32_t r : rs.touched) {
          rs.rows.push_back(r);
          rs.values.push_back(rs.acc[r] * scale);
          rs.acc[r] = 0.0f;
          rs.mark[r] = 0;
        }
      }
      piece.AddRow(rs.rows.data(), rs.values.data(), rs.rows.size());
    }
  });
  xs = {};
  doc_words = {};
  out.x.n_cols = static_cast<std::uint32_t>(out.space.size());
  std::size_t nnz = 0;
  for (const CsrMatrix& p : pieces) nnz += p.cols.size();
  out.x.cols.reserve(nnz);
  out.x.values.reserve(nnz);
  out.x.row_start.reserve(texts.size() + 1);
  for (CsrMatrix& p : pieces) {
    const std::uint64_t base = out.x.cols.size();
    out.x.cols.insert(out.x.cols.end(), p.cols.begin(), p.cols.end());
    out.x.values.insert(out.x.values.end(), p.values.begin(), p.values.end());
    for (std::size_t r = 1; r < p.row_start.size(); ++r)
      out.x.row_start.push_back(base + p.row_start[r]);
    p = {};
  }
  return out;
}

// The character-half contribution of the vocabulary words whose word feature the model keeps. The
// cache holds at most kMaxWordCacheBytes; beyond that the most frequent words (lowest idf) are kept
// and the rest are computed when they occur.
constexpr std::size_t kMaxWordCacheBytes = std::size_t(64) << 20;

WordCache BuildWordCache(const Encoded& enc, const std::vector<float>& weights,
                         std::size_t n_labels, std::uint32_t hash_bits) {
  const std::uint32_t mask = (1u << hash_bits) - 1;
  std::vector<std::pair<float, std::size_t>> candidates;  // (idf, word index)
  for (std::size_t i = 0; i < enc.word_hashes.size(); ++i) {
    const std::int64_t row = enc.space.Find(static_cast<std::uint32_t>(enc.word_hashes[i]) & mask);
    if (row < 0 || enc.word_rows[i].empty()) continue;
    candidates.emplace_back(enc.space.idf()[row], i);
  }
  const std::size_t entry_bytes = sizeof(std::uint64_t) + (n_labels + 1) * sizeof(float);
  const std::size_t limit = kMaxWordCacheBytes / entry_bytes;
  if (candidates.size() > limit) {
    std::stable_sort(candidates.begin(), candidates.end());
    candidates.resize(limit);
    std::sort(candidates.begin(), candidates.end(),
              [](const auto& a, const auto& b) { return a.second < b.second; });
  }
  std::vector<std::uint64_t> hashes;
  std::vector<float> entries;
  hashes.reserve(candidates.size());
  entries.reserve(candidates.size() * (n_labels + 1));
  for (const auto& [idf, i] : candidates) {
    hashes.push_back(enc.word_hashes[i]);
    entries.push_back(idf);
    const std::size_t base = entries.size();
    entries.resize(base + n_labels, 0.0f);
    for (std::size_t k = 0; k < enc.word_rows[i].size(); ++k) {
      const float* w = weights.data() + std::size_t(enc.word_rows[i][k]) * n_labels;
      const float v = enc.word_values[i][k];
      for (std::size_t c = 0; c < n_labels; ++c) entries[base + c] += v * w[c];
    }
  }
  return WordCache(std::move(hashes), std::move(entries), n_labels + 1);
}

// Trains one binary SVM per label over `rows`, the labels split into one group per thread. Fills
// weights (row-major) and bias; returns the most passes any label needed.
std::uint32_t TrainOneVsRest(const CsrMatrix& x, const std::vector<std::uint32_t>& rows,
                             const std::vector<std::uint32_t>& y, std::size_t n_labels,
                             const TrainOptions& options, std::uint32_t max_epochs,
                             std::vector<std::vector<double>>* alphas, std::vector<float>* weights,
                             std::vector<float>* bias, const ProgressFn& progress,
                             std::string_view stage) {
  weights->assign(std::size_t(x.n_cols) * n_labels, 0.0f);
  bias->assign(n_labels, 0.0f);
  std::vector<std::vector<double>> warm = std::move(*alphas);
  alphas->assign(n_labels, {});
  // One group of labels per thread; the grouping does not change any label's model (linear_svm.h).
  const std::size_t groups = std::min<std::size_t>(ResolveThreads(options.threads), n_labels);
  SvmOptions svm;
  svm.c = options.c;
  svm.max_epochs = max_epochs;
  svm.seed = options.seed;
  std::atomic<std::size_t> done{0};
  std::vector<std::uint32_t> epochs(groups, 0);
  ParallelFor(groups, options.threads, [&](std::size_t group, unsigned) {
    std::vector<std::uint32_t> labels;
    std::vector<const std::vector<double>*> starts;
    for (std::size_t c = group; c < n_labels; c += groups) {
      labels.push_back(static_cast<std::uint32_t>(c));
      starts.push_back(c < warm.size() ? &warm[c] : nullptr);
    }
    std::vector<BinaryModel> models = TrainSvmGroup(x, rows, y, labels, svm, starts);
    for (std::size_t g = 0; g < labels.size(); ++g) {
      const std::size_t c = labels[g];
      for (std::size_t f = 0; f < models[g].w.size(); ++f)
        (*weights)[f * n_labels + c] = models[g].w[f];
      (*bias)[c] = models[g].bias;
      (*alphas)[c] = std::move(models[g].alpha);
      epochs[group] = std::max(epochs[group], models[g].epochs);
    }
    const std::size_t d = done.fetch_add(1) + 1;
    if (progress) progress(stage, double(d) / double(groups));
  });
  return *std::max_element(epochs.begin(), epochs.end());
}

}  // namespace

Status ValidateTrainOptions(const TrainOptions& options) {
  if (options.features.hash_bits < 10 || options.features.hash_bits > 26)
    return Status::InvalidArgument("hash bits must be in [10, 26]");
  if (options.features.word_ngrams < 1 || options.features.word_ngrams > 3)
    return Status::InvalidArgument("word n-grams must be 1, 2 or 3");
  if (options.features.char_max != 0 &&
      (options.features.char_min < 1 || options.features.char_min > options.features.char_max ||
       options.features.char_max > 8))
    return Status::InvalidArgument("character n-gram lengths must satisfy 1 <= min <= max <= 8");
  if (!(options.c >= 1e-6 && options.c <= 1e6))
    return Status::InvalidArgument("c must be in [1e-6, 1e6]");
  if (!(options.calibration_fraction >= 0 && options.calibration_fraction < 0.5))
    return Status::InvalidArgument("calibration fraction must be in [0, 0.5)");
  if (options.min_df < 1) return Status::InvalidArgument("min_df must be at least 1");
  if (options.max_epochs < 1) return Status::InvalidArgument("max_epochs must be at least 1");
  return Status::Ok();
}

Result<Model> Train(const std::vector<std::string_view>& texts,
                    const std::vector<std::string_view>& labels, const TrainOptions& options,
                    const ProgressFn& progress) {
  if (texts.size() != labels.size())
    return Fail(Status::InvalidArgument("texts and labels differ in size"));
  if (texts.empty()) return Fail(Status::InvalidArgument("no training tickets"));
  if (Status s = ValidateTrainOptions(options); !s.ok()) return Fail(s);

  LabelSet seen;
  for (std::string_view l : labels) seen.Add(l);
  if (seen.size() < 2)
    return Fail(Status::InvalidArgument("training needs at least two distinct labels, found " +
                                        std::to_string(seen.size())));
  if (seen.size() > kMaxLabels)
    return Fail(Status::InvalidArgument("too many distinct labels (" + std::to_string(seen.size()) +
                                        "); a model holds at most " + std::to_string(kMaxLabels)));
  LabelSet label_set = seen.Sorted(nullptr);
  std::vector<std::uint32_t> y(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) y[i] = *label_set.Find(labels[i]);
  const std::size_t n_labels = label_set.size();

  Encoded enc = Encode(texts, options, progress);
  if (enc.space.size() == 0)
    return Fail(Status::InvalidArgument(
        "the tickets yield no usable features (no words, or none in at least min_df tickets)"));

  // Stratified hold-out: the same share of every label, chosen by the seed.
  std::vector<std::vector<std::uint32_t>> by_label(n_labels);
  for (std::uint32_t i = 0; i < y.size(); ++i) by_label[y[i]].push_back(i);
  SplitMix64 rng(options.seed ^ 0x5bd1e995ull);
  std::vector<std::uint32_t> fit_rows, calib_rows;
  for (std::vector<std::uint32_t>& rows : by_label) {
    for (std::size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[rng.Below(i)]);
    // Every label with two or more tickets is represented among the held-out tickets, so that
    // calibration sees its mistakes too; a label with a single ticket keeps it for training.
    std::size_t k = std::size_t(std::floor(rows.size() * options.calibration_fraction));
    if (k == 0 && rows.size() >= 2 && options.calibration_fraction > 0) k = 1;
    calib_rows.insert(calib_rows.end(), rows.begin(), rows.begin() + k);
    fit_rows.insert(fit_rows.end(), rows.begin() + k, rows.end());
  }
  std::sort(fit_rows.begin(), fit_rows.end());
  std::sort(calib_rows.begin(), calib_rows.end());

  TrainingInfo info;
  info.n_train = texts.size();
  info.n_features = enc.space.size();

  std::vector<std::vector<double>> alphas;
  std::vector<float> weights, bias;
  AffineCalibration calibration{std::vector<float>(n_labels, 1.0f),
                                std::vector<float>(n_labels, 0.0f)};
  std::vector<float> thresholds(std::size_t(Model::kTargetSteps) * n_labels,
                                std::nextafter(1.0f, 2.0f));
  // Below kMinCalibration held-out tickets a confidence cannot be trusted: the model is trained on
  // every ticket and abstains at every target.
  if (calib_rows.size() < kMinCalibration) {
    fit_rows.insert(fit_rows.end(), calib_rows.begin(), calib_rows.end());
    std::sort(fit_rows.begin(), fit_rows.end());
    calib_rows.clear();
  }
  info.n_calibration = calib_rows.size();
  if (!calib_rows.empty()) {
    if (progress) progress("train", 0.0);
    const std::uint32_t fit_epochs =
        TrainOneVsRest(enc.x, fit_rows, y, n_labels, options, options.max_epochs, &alphas, &weights,
                       &bias, progress, "train");
    if (progress) progress("calibrate", 0.0);
    std::vector<float> margins(calib_rows.size() * n_labels);
    std::vector<std::uint32_t> truth(calib_rows.size());
    std::vector<std::uint32_t> rows;
    std::vector<float> values;
    for (std::size_t i = 0; i < calib_rows.size(); ++i) {
      const std::uint32_t r = calib_rows[i];
      rows.assign(enc.x.cols.begin() + enc.x.row_start[r],
                  enc.x.cols.begin() + enc.x.row_start[r + 1]);
      values.assign(enc.x.values.begin() + enc.x.row_start[r],
                    enc.x.values.begin() + enc.x.row_start[r + 1]);
      Margins(weights, bias, n_labels, rows, values, margins.data() + i * n_labels);
      truth[i] = y[r];
    }
    info.temperature = FitTemperature(margins, truth, n_labels);
    calibration = FitAffine(margins, truth, n_labels, info.temperature);
    std::vector<ScoredPrediction> points(calib_rows.size());
    std::size_t correct = 0;
    for (std::size_t i = 0; i < calib_rows.size(); ++i) {
      float* m = margins.data() + i * n_labels;
      ApplyAffine(calibration, m, n_labels);
      const auto best = static_cast<std::uint32_t>(std::max_element(m, m + n_labels) - m);
      points[i] = {best, truth[i], m[best]};
      correct += best == truth[i];
    }
    info.calibration_accuracy = float(double(correct) / double(calib_rows.size()));
    thresholds = ChooseThresholds(points, n_labels);
    if (progress) progress("calibrate", 1.0);
    // Warm start for the refit: the fitted rows keep their dual variables, held-out rows start at
    // zero.
    std::vector<std::uint32_t> all_rows(y.size());
    for (std::uint32_t i = 0; i < y.size(); ++i) all_rows[i] = i;
    for (std::vector<double>& a : alphas) {
      std::vector<double> full(y.size(), 0.0);
      for (std::size_t i = 0; i < fit_rows.size(); ++i) full[fit_rows[i]] = a[i];
      a = std::move(full);
    }
    if (progress) progress("refit", 0.0);
    // Starting from the first solution, the refit only has to take in the held-out tickets: half
    // the passes of the first fit (at least 4) reach the quality of a full refit on the reference
    // data at half the cost.
    const std::uint32_t refit_epochs =
        std::min(options.max_epochs, std::max(4u, (fit_epochs + 1) / 2));
    TrainOneVsRest(enc.x, all_rows, y, n_labels, options, refit_epochs, &alphas, &weights, &bias,
                   progress, "refit");
  } else {
    TrainOneVsRest(enc.x, fit_rows, y, n_labels, options, options.max_epochs, &alphas, &weights,
                   &bias, progress, "train");
  }

  if (progress) progress("cache", 0.0);
  WordCache cache = BuildWordCache(enc, weights, n_labels, options.features.hash_bits);
  return ModelBuilder::Build(std::move(label_set), options, info, std::move(enc.space),
                             std::move(weights), std::move(bias), std::move(thresholds),
                             std::move(cache), std::move(calibration));
}

}  // namespace ticketwise::classify
