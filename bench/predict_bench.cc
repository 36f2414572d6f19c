// predict_bench: per-ticket prediction cost of a trained model on real ticket text, features
// included, on one core. Also times each stage (normalize, tokenize, extract) so a regression shows
// where it is.
//
//   predict_bench MODEL DATA.csv TEXT_COLS [--benchmark_* flags]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include "classify/model.h"
#include "ingest/import.h"
#include "text/normalize.h"
#include "text/tokenize.h"

namespace {

std::vector<std::string> g_texts;
ticketwise::classify::Model g_model;

void BM_Normalize(benchmark::State& state) {
  std::string out;
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const std::string& t = g_texts[i++ % g_texts.size()];
    ticketwise::text::NormalizeInto(t, &out);
    bytes += t.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}

void BM_Tokenize(benchmark::State& state) {
  std::vector<std::string> normalized;
  for (const std::string& t : g_texts) normalized.push_back(ticketwise::text::Normalize(t));
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  for (auto _ : state) {
    ticketwise::text::Tokenize(normalized[i++ % normalized.size()], &tokens);
    benchmark::DoNotOptimize(tokens.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Extract(benchmark::State& state) {
  ticketwise::text::FeatureScratch scratch;
  ticketwise::text::SparseVector x;
  std::size_t i = 0;
  for (auto _ : state) {
    g_model.extractor().Extract(g_texts[i++ % g_texts.size()], &scratch, &x);
    benchmark::DoNotOptimize(x.ids.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Predict(benchmark::State& state) {
  ticketwise::classify::PredictScratch scratch;
  std::size_t i = 0;
  for (auto _ : state) {
    auto p = g_model.Predict(g_texts[i++ % g_texts.size()], 0.9, 3, &scratch);
    benchmark::DoNotOptimize(p.confidence);
  }
  state.SetItemsProcessed(state.iterations());
}

// Loading the model file from disk (page cache warm), as a restarted service would.
std::string g_model_path;
void BM_LoadModel(benchmark::State& state) {
  for (auto _ : state) {
    auto m = ticketwise::classify::Model::Load(g_model_path);
    benchmark::DoNotOptimize(m.has_value());
  }
}

BENCHMARK(BM_LoadModel)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Normalize);
BENCHMARK(BM_Tokenize);
BENCHMARK(BM_Extract);
BENCHMARK(BM_Predict);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (argc != 4) {
    std::fprintf(stderr, "usage: predict_bench MODEL DATA TEXT_COLS [--benchmark_* flags]\n");
    return 2;
  }
  auto model = ticketwise::classify::Model::Load(argv[1]);
  if (!model) {
    std::fprintf(stderr, "%s\n", model.error().ToString().c_str());
    return 1;
  }
  g_model = std::move(*model);
  g_model_path = argv[1];
  auto cols = ticketwise::ingest::ParseColumnList(argv[3]);
  if (!cols) return 1;
  ticketwise::ingest::ImportOptions io;
  io.text_columns = *cols;
  auto data = ticketwise::ingest::ImportFile(argv[2], io);
  if (!data || data->rows.empty()) {
    std::fprintf(stderr, "cannot read %s\n", argv[2]);
    return 1;
  }
  for (auto& r : data->rows) g_texts.push_back(std::move(r.text));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
