// train, predict and eval: the classifier's command-line contract (see README "Command line").
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <set>

#include "classify/metrics.h"
#include "classify/model.h"
#include "classify/trainer.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "core/parallel.h"
#include "ingest/import.h"

namespace ticketwise::cli {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void AddTrainFlags(Args* args) {
  const classify::TrainOptions d;
  args->Flag("seed", "N", "random seed; the same data and seed give the same model", false,
             std::to_string(d.seed));
  args->Flag("threads", "N", "training threads, 0 = one per core", false,
             std::to_string(d.threads));
  args->Flag("c", "X", "SVM regularization: larger fits the training data more closely", false,
             "0.5");
  args->Flag("word-ngrams", "N", "longest word n-gram (1-3)", false,
             std::to_string(d.features.word_ngrams));
  args->Flag("char-min", "N", "shortest character n-gram", false,
             std::to_string(d.features.char_min));
  args->Flag("char-max", "N", "longest character n-gram, 0 = none", false,
             std::to_string(d.features.char_max));
  args->Flag("hash-bits", "N", "log2 of the hashed feature buckets per group", false,
             std::to_string(d.features.hash_bits));
  args->Switch("quiet", "no progress output");
  args->Switch("verbose", "print how long each training stage took");
}

Result<classify::TrainOptions> TrainOptionsFrom(const Args& args) {
  classify::TrainOptions o;
  auto seed = args.GetUint("seed");
  auto threads = args.GetUint("threads");
  auto c = args.GetDouble("c");
  auto wn = args.GetUint("word-ngrams");
  auto cmin = args.GetUint("char-min");
  auto cmax = args.GetUint("char-max");
  auto bits = args.GetUint("hash-bits");
  for (const Status* s :
       {seed ? nullptr : &seed.error(), threads ? nullptr : &threads.error(),
        c ? nullptr : &c.error(), wn ? nullptr : &wn.error(), cmin ? nullptr : &cmin.error(),
        cmax ? nullptr : &cmax.error(), bits ? nullptr : &bits.error()})
    if (s) return Fail(*s);
  o.seed = *seed;
  o.threads = static_cast<std::uint32_t>(std::min<std::uint64_t>(*threads, 1024));
  o.c = *c;
  o.features.word_ngrams = static_cast<std::uint32_t>(std::min<std::uint64_t>(*wn, 99));
  o.features.char_min = static_cast<std::uint32_t>(std::min<std::uint64_t>(*cmin, 99));
  o.features.char_max = static_cast<std::uint32_t>(std::min<std::uint64_t>(*cmax, 99));
  o.features.hash_bits = static_cast<std::uint32_t>(std::min<std::uint64_t>(*bits, 99));
  if (Status s = classify::ValidateTrainOptions(o); !s.ok()) return Fail(s);
  return o;
}

// Imports `path`, printing the skip report to stderr. Labels are required when `label` is not
// empty.
Result<ingest::Dataset> ImportWithReport(const std::string& path, const std::string& text_cols,
                                         const std::string& label, std::size_t max_reported = 20) {
  auto cols = ingest::ParseColumnList(text_cols);
  if (!cols) return Fail(cols.error().WithContext("--text"));
  ingest::ImportOptions io;
  io.text_columns = *cols;
  io.label_column = label;
  io.max_reported_skips = max_reported;
  auto data = ingest::ImportFile(path, io);
  if (!data) return data;
  if (data->report.rows_skipped > 0) std::fprintf(stderr, "%s\n", data->report.Summary().c_str());
  return data;
}

Result<classify::Model> TrainOn(const ingest::Dataset& data, const classify::TrainOptions& options,
                                bool quiet, bool verbose) {
  std::vector<std::string_view> texts, labels;
  texts.reserve(data.rows.size());
  labels.reserve(data.rows.size());
  for (const ingest::LabelledText& r : data.rows) {
    texts.push_back(r.text);
    labels.push_back(r.label);
  }
  Progress progress(quiet);
  std::mutex mu;
  std::string current;
  auto stage_start = Clock::now();
  auto model = classify::Train(texts, labels, options, [&](std::string_view stage, double f) {
    std::lock_guard<std::mutex> lock(mu);
    if (verbose && stage != current) {
      if (!current.empty())
        std::fprintf(stderr, "  %-10s %.2f s\n", current.c_str(), SecondsSince(stage_start));
      current = stage;
      stage_start = Clock::now();
    }
    progress.Update("training", stage, f);
  });
  if (verbose && !current.empty())
    std::fprintf(stderr, "  %-10s %.2f s\n", current.c_str(), SecondsSince(stage_start));
  progress.Done();
  return model;
}

// A target precision on the model's grid: a finite number in [0.5, 0.99].
Result<double> PrecisionFrom(const Args& args) {
  auto p = args.GetDouble("precision");
  if (!p) return p;
  if (!(*p >= classify::Model::kMinTarget && *p <= 0.99))
    return Fail(Status::InvalidArgument("--precision must be between 0.5 and 0.99, got " +
                                        args.Get("precision")));
  return p;
}

void AppendPrediction(std::string* out, const classify::Model& model,
                      const classify::Prediction& p) {
  *out += "{\"label\":";
  AppendJsonString(out, model.labels().Name(p.label));
  *out += ",\"confidence\":" + JsonNumber(p.confidence, 4);
  *out += p.abstained ? ",\"abstained\":true" : ",\"abstained\":false";
  *out += ",\"top\":[";
  for (std::size_t i = 0; i < p.top.size(); ++i) {
    if (i) *out += ',';
    *out += "{\"label\":";
    AppendJsonString(out, model.labels().Name(p.top[i].label));
    *out += ",\"p\":" + JsonNumber(p.top[i].p, 4) + "}";
  }
  *out += "]}";
}

}  // namespace

int RunTrain(const std::vector<std::string>& argv) {
  Args args("train", "Trains a classifier on labelled historical tickets and writes a model file.");
  args.Flag("data", "FILE", "labelled tickets, .csv or .jsonl", true)
      .Flag("text", "COLS", "comma-separated text columns, joined in order", true)
      .Flag("label", "COL", "the label column", true)
      .Flag("out", "MODEL", "where to write the model", true);
  AddTrainFlags(&args);
  auto parsed = args.Parse(argv);
  if (!parsed) return Usage(parsed.error());
  if (!*parsed) return 0;
  auto options = TrainOptionsFrom(args);
  if (!options) return Usage(options.error());

  auto data = ImportWithReport(args.Get("data"), args.Get("text"), args.Get("label"));
  if (!data) return Failed(data.error());
  const auto start = Clock::now();
  auto model = TrainOn(*data, *options, args.On("quiet"), args.On("verbose"));
  if (!model) return Failed(model.error().WithContext(args.Get("data")));
  if (Status s = model->Save(args.Get("out")); !s.ok()) return Failed(s);
  std::fprintf(stderr,
               "trained on %zu tickets (%zu held out for calibration), %u labels, %zu features in "
               "%.2f s -> %s\n",
               std::size_t(model->info().n_train), std::size_t(model->info().n_calibration),
               model->labels().size(), std::size_t(model->info().n_features), SecondsSince(start),
               args.Get("out").c_str());
  return 0;
}

int RunPredict(const std::vector<std::string>& argv) {
  Args args(
      "predict",
      "Classifies tickets with a trained model and prints one JSON object per input row:\n"
      "{\"label\":..,\"confidence\":..,\"abstained\":..,\"top\":[{\"label\":..,\"p\":..},...]}.\n"
      "A row that cannot be read prints {\"label\":null,...,\"error\":\"why\"} in its place.");
  args.Flag("model", "MODEL", "a model file written by 'ticketwise train'", true)
      .Flag("data", "FILE", "tickets to classify, .csv or .jsonl", true)
      .Flag("text", "COLS", "comma-separated text columns, joined in order", true)
      .Flag("precision", "P", "abstain unless the label keeps this precision (0.5-0.99)", false,
            "0.9")
      .Flag("top", "K", "how many alternatives to list", false, "3");
  auto parsed = args.Parse(argv);
  if (!parsed) return Usage(parsed.error());
  if (!*parsed) return 0;
  auto precision = PrecisionFrom(args);
  if (!precision) return Usage(precision.error());
  auto top = args.GetUint("top");
  if (!top) return Usage(top.error());

  auto model = classify::Model::Load(args.Get("model"));
  if (!model) return Failed(model.error());
  // Every row is listed so that skipped rows keep their place in the output.
  auto data = ImportWithReport(args.Get("data"), args.Get("text"), "", SIZE_MAX);
  if (!data) return Failed(data.error());

  std::vector<const ingest::SkippedRow*> skipped;
  for (const ingest::SkippedRow& s : data->report.skipped) skipped.push_back(&s);
  // Rows are classified in blocks on every core; each block's lines are written in input order.
  constexpr std::size_t kBlock = 1024;
  const std::size_t n_blocks = (data->rows.size() + kBlock - 1) / kBlock;
  std::vector<std::string> blocks(n_blocks);
  std::vector<classify::PredictScratch> scratch(ResolveThreads(0));
  ParallelFor(n_blocks, 0, [&](std::size_t b, unsigned worker) {
    const std::size_t end = std::min(data->rows.size(), (b + 1) * kBlock);
    for (std::size_t i = b * kBlock; i < end; ++i) {
      AppendPrediction(&blocks[b], *model,
                       model->Predict(data->rows[i].text, *precision, *top, &scratch[worker]));
      blocks[b] += '\n';
    }
  });

  std::string out;
  std::size_t next_skip = 0;
  auto flush_skips_before = [&](std::size_t line) {
    while (next_skip < skipped.size() && skipped[next_skip]->line < line) {
      out += "{\"label\":null,\"confidence\":0,\"abstained\":true,\"top\":[],\"error\":";
      AppendJsonString(&out, skipped[next_skip]->reason);
      out += "}\n";
      ++next_skip;
    }
  };
  for (std::size_t b = 0; b < n_blocks; ++b) {
    const std::size_t end = std::min(data->rows.size(), (b + 1) * kBlock);
    std::size_t pos = 0;
    for (std::size_t i = b * kBlock; i < end; ++i) {
      flush_skips_before(data->rows[i].line);
      const std::size_t nl = blocks[b].find('\n', pos);
      out.append(blocks[b], pos, nl + 1 - pos);
      pos = nl + 1;
    }
    blocks[b] = {};
    if (out.size() > (1 << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  flush_skips_before(SIZE_MAX);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

int RunEval(const std::vector<std::string>& argv) {
  Args args("eval",
            "Trains on one file, evaluates on another and prints the figures. With --json the last "
            "line of\n"
            "standard output is one JSON object with accuracy, macro_f1, coverage_at_90, "
            "coverage_at_95,\n"
            "train_seconds, predict_per_second, model_bytes, n_train, n_test and labels.");
  args.Flag("train", "FILE", "labelled training tickets, .csv or .jsonl", true)
      .Flag("test", "FILE", "labelled test tickets, .csv or .jsonl", true)
      .Flag("text", "COLS", "comma-separated text columns, joined in order", true)
      .Flag("label", "COL", "the label column", true)
      .Flag("precision", "P", "target precision of the reported operating point", false, "0.95")
      .Switch("json", "print the figures as one JSON object");
  AddTrainFlags(&args);
  auto parsed = args.Parse(argv);
  if (!parsed) return Usage(parsed.error());
  if (!*parsed) return 0;
  auto options = TrainOptionsFrom(args);
  if (!options) return Usage(options.error());
  auto target = PrecisionFrom(args);
  if (!target) return Usage(target.error());

  auto train = ImportWithReport(args.Get("train"), args.Get("text"), args.Get("label"));
  if (!train) return Failed(train.error());
  auto test = ImportWithReport(args.Get("test"), args.Get("text"), args.Get("label"));
  if (!test) return Failed(test.error());
  if (test->rows.empty())
    return Failed(Status::InvalidArgument(args.Get("test") + ": no usable test rows"));

  const auto train_start = Clock::now();
  auto model = TrainOn(*train, *options, args.On("quiet"), args.On("verbose"));
  if (!model) return Failed(model.error().WithContext(args.Get("train")));
  const double train_seconds = SecondsSince(train_start);

  // Prediction speed: one thread, features included, as a user's single request would see it.
  classify::PredictScratch scratch;
  std::vector<classify::EvalItem> items(test->rows.size());
  const auto predict_start = Clock::now();
  for (std::size_t i = 0; i < test->rows.size(); ++i) {
    classify::Prediction p = model->Predict(test->rows[i].text, *target, 1, &scratch);
    items[i].predicted = p.label;
    items[i].confidence = p.confidence;
    items[i].abstained = p.abstained;
  }
  const double predict_seconds = SecondsSince(predict_start);
  std::size_t unknown = 0;
  std::set<std::string_view> unknown_labels;
  for (std::size_t i = 0; i < test->rows.size(); ++i) {
    auto truth = model->labels().Find(test->rows[i].label);
    items[i].truth = truth ? std::int64_t(*truth) : -1;
    if (!truth) {
      ++unknown;
      unknown_labels.insert(test->rows[i].label);
    }
  }
  const classify::Metrics m =
      classify::Evaluate(items, model->labels().size(), *target, unknown_labels.size());
  const std::size_t model_bytes = model->Serialize().size();
  const double per_second = predict_seconds > 0 ? double(items.size()) / predict_seconds : 0.0;

  std::string json = "{";
  auto field = [&json](std::string_view name, const std::string& value) {
    if (json.size() > 1) json += ',';
    AppendJsonString(&json, name);
    json += ':' + value;
  };
  field("accuracy", JsonNumber(m.accuracy));
  field("macro_f1", JsonNumber(m.macro_f1));
  field("coverage_at_90", JsonNumber(m.coverage_at_90));
  field("coverage_at_95", JsonNumber(m.coverage_at_95));
  field("operating_point", "{\"target\":" + JsonNumber(m.operating_target) +
                               ",\"precision\":" + JsonNumber(m.operating_precision) +
                               ",\"coverage\":" + JsonNumber(m.operating_coverage) + "}");
  field("train_seconds", JsonNumber(train_seconds, 4));
  field("predict_per_second", JsonNumber(per_second, 6));
  field("model_bytes", std::to_string(model_bytes));
  field("n_train", std::to_string(train->rows.size()));
  field("n_test", std::to_string(test->rows.size()));
  field("n_features", std::to_string(model->info().n_features));
  field("temperature", JsonNumber(model->info().temperature));
  field("unknown_test_labels", std::to_string(unknown));
  field("skipped_train_rows", std::to_string(train->report.rows_skipped));
  field("skipped_test_rows", std::to_string(test->report.rows_skipped));
  std::string labels = "[", f1 = "{";
  for (std::uint32_t c = 0; c < model->labels().size(); ++c) {
    if (c) {
      labels += ',';
      f1 += ',';
    }
    AppendJsonString(&labels, model->labels().Name(c));
    AppendJsonString(&f1, model->labels().Name(c));
    f1 += ':' + JsonNumber(m.f1_per_label[c], 4);
  }
  field("labels", labels + "]");
  field("n_labels", std::to_string(model->labels().size()));
  field("f1_per_label", f1 + "}");
  json += "}";

  if (!args.On("json")) {
    std::printf("trained on %zu tickets, tested on %zu, %u labels\n", train->rows.size(),
                test->rows.size(), model->labels().size());
    std::printf("  accuracy          %.4f\n  macro-F1          %.4f\n", m.accuracy, m.macro_f1);
    std::printf("  coverage at 90%%   %.4f\n  coverage at 95%%   %.4f\n", m.coverage_at_90,
                m.coverage_at_95);
    std::printf(
        "  operating point   target %.2f -> precision %.4f on %.1f%% of tickets (rest abstained)\n",
        m.operating_target, m.operating_precision, 100 * m.operating_coverage);
    std::printf("  training          %.2f s\n  prediction        %.0f tickets/s (one thread)\n",
                train_seconds, per_second);
    std::printf("  model size        %.2f MB\n", model_bytes / 1e6);
    for (std::uint32_t c = 0; c < model->labels().size(); ++c)
      std::printf("    %-28s F1 %.4f  (%llu test tickets)\n", model->labels().Name(c).c_str(),
                  m.f1_per_label[c], static_cast<unsigned long long>(m.support[c]));
  }
  std::printf("%s\n", json.c_str());
  return 0;
}

}  // namespace ticketwise::cli
