// retrieval_bench: indexing rate, memory and top-k query latency of retrieve::Index on one core.
//
//   retrieval_bench CORPUS.jsonl QUERIES.txt [K]
//
// CORPUS.jsonl holds one {"id":..,"title":..,"body":..} per line; QUERIES.txt one query per line.
// Prints one JSON object: documents, index_seconds, docs_per_second, index_bytes (the index's own
// estimate), rss_delta_bytes (resident memory grown while indexing), queries, query_p50_us,
// query_p99_us, query_mean_us, queries_per_second. Indexing and querying run on the calling thread.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "retrieve/index.h"

namespace {

using Clock = std::chrono::steady_clock;

long RssBytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6)) * 1024;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: retrieval_bench CORPUS.jsonl QUERIES.txt [K]\n");
    return 2;
  }
  const std::size_t k = argc > 3 ? std::stoul(argv[3]) : 5;
  std::vector<ticketwise::retrieve::Document> docs;
  {
    std::ifstream in(argv[1]);
    std::string line;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded()) continue;
      ticketwise::retrieve::Document d;
      d.id = j.value("id", "");
      d.title = j.value("title", "");
      d.body = j.value("body", "");
      docs.push_back(std::move(d));
    }
  }
  std::vector<std::string> queries;
  {
    std::ifstream in(argv[2]);
    std::string line;
    while (std::getline(in, line))
      if (!line.empty()) queries.push_back(line);
  }

  const long rss_before = RssBytes();
  ticketwise::retrieve::Index index;
  const auto t0 = Clock::now();
  std::size_t refused = 0;
  for (const auto& d : docs)
    if (!index.Add(d).ok()) ++refused;
  index.RefreshEmbeddings();
  const double index_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  const long rss_after = RssBytes();
  std::vector<ticketwise::retrieve::Document>().swap(docs);

  ticketwise::retrieve::SearchOptions so;
  so.k = k;
  // One warm-up pass over a few queries, then every query timed on its own.
  for (std::size_t i = 0; i < std::min<std::size_t>(100, queries.size()); ++i)
    (void)index.Search(queries[i], so);
  std::vector<double> us;
  us.reserve(queries.size());
  std::size_t returned = 0;
  const auto q0 = Clock::now();
  for (const std::string& q : queries) {
    const auto s = Clock::now();
    auto hits = index.Search(q, so);
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - s).count());
    if (hits) returned += hits->size();
  }
  const double query_seconds = std::chrono::duration<double>(Clock::now() - q0).count();
  std::vector<double> sorted = us;
  std::sort(sorted.begin(), sorted.end());
  auto pct = [&](double p) {
    return sorted.empty() ? 0.0
                          : sorted[std::min(sorted.size() - 1, std::size_t(p * sorted.size()))];
  };
  double mean = 0;
  for (double v : us) mean += v;
  mean /= std::max<std::size_t>(1, us.size());
  const auto stats = index.Stats();
  std::printf(
      "{\"documents\":%zu,\"refused\":%zu,\"terms\":%zu,\"index_seconds\":%.3f,"
      "\"docs_per_second\":%.0f,\"index_bytes\":%zu,\"rss_delta_bytes\":%ld,\"queries\":%zu,"
      "\"results\":%zu,\"query_p50_us\":%.1f,\"query_p99_us\":%.1f,\"query_mean_us\":%.1f,"
      "\"queries_per_second\":%.0f}\n",
      stats.documents, refused, stats.terms, index_seconds, stats.documents / index_seconds,
      stats.memory_bytes, rss_after - rss_before, queries.size(), returned, pct(0.5), pct(0.99),
      mean, queries.size() / query_seconds);
  return 0;
}
