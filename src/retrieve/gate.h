// The relevance gate: below a calibrated score, a search result is "no confident match" and is not
// suggested, because a wrong suggestion costs an agent more than none.
//
// The threshold is chosen on labelled examples (a query's top result and whether it was right) as
// the lowest score whose prefix, scores at or above it, keeps precision at the target: the
// coverage-at-precision rule of docs/evaluation.md. CalibrateGateFromLabels gets such examples
// from a tenant's own history with no human judging: each labelled document in turn queries the
// index (itself excluded), and its top result counts as right when it carries the same label
// (category or queue), a proxy for "the fix of that ticket applies here". docs/decisions/
// 0010-retrieval.md tells what precision the default aims at. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "retrieve/index.h"
#include "ticketwise/status.h"

namespace ticketwise::retrieve {

// Used until a tenant has calibrated its own (see 0010-retrieval.md for how it was measured).
inline constexpr double kDefaultGateThreshold = 0.75;
inline constexpr double kDefaultGatePrecision = 0.8;
// Fewer labelled examples than this cannot support a threshold.
inline constexpr std::size_t kMinGateExamples = 30;

struct GateExample {
  double score = 0;       // the top result's Hit::score
  bool relevant = false;  // whether that result was right
};

struct Gate {
  double threshold = kDefaultGateThreshold;
  double target_precision = kDefaultGatePrecision;
  double precision = 0;  // on the calibration examples at and above the threshold
  double coverage = 0;   // their share of all calibration examples
  std::size_t examples = 0;
};

// kFailedPrecondition with fewer than kMinGateExamples examples; kInvalidArgument for a target
// outside (0, 1]. When no prefix reaches the target the gate closes: threshold 1.01, coverage 0.
Result<Gate> CalibrateGate(std::span<const GateExample> examples, double target_precision);

// Self-calibration on the indexed documents named in `labels` (document id -> label); at most
// `max_queries` of them (in id order) query the index.
Result<Gate> CalibrateGateFromLabels(const Index& index,
                                     const std::map<std::string, std::string>& labels,
                                     double target_precision, std::size_t max_queries = 2000);

struct GatedHits {
  bool confident = false;  // false: "no confident match", `hits` is empty
  std::vector<Hit> hits;   // the results at or above the threshold, best first
};

GatedHits ApplyGate(std::vector<Hit> hits, const Gate& gate);

}  // namespace ticketwise::retrieve
