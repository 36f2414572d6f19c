// ParallelFor: run tasks 0..n-1 on up to `threads` threads. Each task index runs exactly once;
// which thread runs it is unspecified, so tasks must not depend on one another. Results are
// deterministic as long as each task writes only its own outputs.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace ticketwise {

// 0 means one thread per core.
inline unsigned ResolveThreads(unsigned threads) {
  if (threads != 0) return threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

// Calls fn(task, worker) for every task in [0, n), with worker in [0, workers) naming the calling
// thread's slot so that callers can keep per-thread scratch space.
template <class Fn>
void ParallelFor(std::size_t n, unsigned threads, Fn&& fn) {
  const unsigned workers = static_cast<unsigned>(std::min<std::size_t>(ResolveThreads(threads), n));
  if (workers <= 1) {
    for (std::size_t i = 0; i < n; ++i) fn(i, 0u);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> pool;
  pool.reserve(workers);
  for (unsigned w = 0; w < workers; ++w) {
    pool.emplace_back([&, w] {
      for (std::size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) fn(i, w);
    });
  }
  for (std::thread& t : pool) t.join();
}

}  // namespace ticketwise
