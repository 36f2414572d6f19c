// Duplicate detection: for a ticket, the open tickets that likely describe the same problem, each
// with its score, and the threshold that decided. Builds on Index::SearchDocument restricted to
// DocKind::kOpenTicket. Thread-safe as the Index is.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "retrieve/index.h"
#include "ticketwise/status.h"

namespace ticketwise::retrieve {

// Measured on gitbugs/hadoop (docs/decisions/0010-retrieval.md): 15% of tickets get a candidate at
// or above it, and it keeps 26 of the 56 marked duplicates that rank first.
inline constexpr double kDefaultDuplicateThreshold = 0.55;

struct DuplicateOptions {
  std::size_t k = 5;                              // candidates to return at most
  double threshold = kDefaultDuplicateThreshold;  // a candidate must score at least this
};

struct DuplicateCandidate {
  std::string id;
  double score = 0;
};

struct Duplicates {
  std::vector<DuplicateCandidate> likely;  // best first; empty when none reaches the threshold
  double threshold = 0;                    // the threshold applied
};

// `ticket.id`, when indexed, is excluded (a ticket is not its own duplicate).
Result<Duplicates> FindDuplicates(const Index& index, const Document& ticket,
                                  const DuplicateOptions& options = {});

}  // namespace ticketwise::retrieve
