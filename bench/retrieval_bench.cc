// retrieval_bench: indexing rate, memory and top-k query latency of retrieve::Index on one core.
//
//   retrieval_bench CORPUS.jsonl QUERIES.txt [K]
//
// CORPUS.jsonl holds one {"id":..,"title":..,"body":..} per line; QUERIES.txt one query per line.
// Prints one JSON object: documents, index_seconds, docs_per_second, index_bytes (the index's own
// estimate), rss_delta_bytes (resident memory grown while indexing), queries, query_p50_us,
// query_p99_us, query_mean_us (wall), query_cpu_p50_us, query_cpu_p99_us (thread CPU time),
// queries_per_second. Indexing and querying run on the calling thread. With TW_RESULTS=FILE set,
// the results of every query (id and fused, lexical and semantic score per hit, one query a line)
// go to FILE, so that two builds' rankings can be compared; TW_SLOWEST=1 prints the slowest
// queries.
#include <time.h>
#include <algorithm>

#include <chrono>
#include <cstdio>
#include <cstdlib>
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

// CPU time of the calling thread: unlike wall time, it does not count the time the scheduler gives
// other processes, which on a shared machine would dominate the tail percentiles.
double ThreadCpuMicros() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, std::size_t(p * v.size()))];
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
  std::vector<double> us, cpu_us;
  us.reserve(queries.size());
  cpu_us.reserve(queries.size());
  std::size_t returned = 0;
  std::vector<std::vector<ticketwise::retrieve::Hit>> results;
  const char* results_path = std::getenv("TW_RESULTS");
  if (results_path) results.reserve(queries.size());
  const auto q0 = Clock::now();
  for (const std::string& q : queries) {
    const auto s = Clock::now();
    const double c = ThreadCpuMicros();
    auto hits = index.Search(q, so);
    cpu_us.push_back(ThreadCpuMicros() - c);
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - s).count());
    if (hits) returned += hits->size();
    if (results_path) results.push_back(hits ? std::move(*hits) : decltype(results)::value_type{});
  }
  const double query_seconds = std::chrono::duration<double>(Clock::now() - q0).count();
  auto pct = [&](double p) { return Percentile(us, p); };
  double mean = 0;
  for (double v : us) mean += v;
  mean /= std::max<std::size_t>(1, us.size());
  if (std::getenv("TW_SLOWEST")) {
    std::vector<std::size_t> order(us.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return us[a] > us[b]; });
    for (std::size_t i = 0; i < std::min<std::size_t>(8, order.size()); ++i)
      std::fprintf(stderr, "%.0f us: %.150s\n", us[order[i]], queries[order[i]].c_str());
  }
  if (results_path) {
    std::FILE* f = std::fopen(results_path, "w");
    if (f == nullptr) {
      std::fprintf(stderr, "retrieval_bench: cannot write %s\n", results_path);
      return 1;
    }
    for (const auto& hits : results) {
      for (const auto& h : hits)
        std::fprintf(f, "%s %.9g %.9g %.9g\t", h.id.c_str(), h.score, h.lexical, h.semantic);
      std::fprintf(f, "\n");
    }
    std::fclose(f);
  }
  const auto stats = index.Stats();
  std::printf(
      "{\"documents\":%zu,\"refused\":%zu,\"terms\":%zu,\"index_seconds\":%.3f,"
      "\"docs_per_second\":%.0f,\"index_bytes\":%zu,\"rss_delta_bytes\":%ld,\"queries\":%zu,"
      "\"results\":%zu,\"query_p50_us\":%.1f,\"query_p99_us\":%.1f,\"query_mean_us\":%.1f,"
      "\"query_cpu_p50_us\":%.1f,\"query_cpu_p99_us\":%.1f,"
      "\"queries_per_second\":%.0f}\n",
      stats.documents, refused, stats.terms, index_seconds, stats.documents / index_seconds,
      stats.memory_bytes, rss_after - rss_before, queries.size(), returned, pct(0.5), pct(0.99),
      mean, Percentile(cpu_us, 0.5), Percentile(cpu_us, 0.99), queries.size() / query_seconds);
  return 0;
}
