#include "retrieve/gate.h"

#include <algorithm>
#include <cmath>

namespace ticketwise::retrieve {

Result<Gate> CalibrateGate(std::span<const GateExample> examples, double target_precision) {
  if (!(target_precision > 0 && target_precision <= 1))
    return Fail(Status::InvalidArgument("target precision must be in (0, 1]"));
  if (examples.size() < kMinGateExamples)
    return Fail(
        Status::FailedPrecondition("the gate needs at least " + std::to_string(kMinGateExamples) +
                                   " labelled examples, got " + std::to_string(examples.size())));
  std::vector<GateExample> sorted(examples.begin(), examples.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const GateExample& a, const GateExample& b) { return a.score > b.score; });
  Gate gate;
  gate.target_precision = target_precision;
  gate.examples = sorted.size();
  gate.threshold = 1.01;  // closed unless a prefix reaches the target
  std::size_t right = 0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    right += sorted[i].relevant;
    // Cut only between different scores, so the threshold admits exactly this prefix.
    if (i + 1 < sorted.size() && sorted[i + 1].score == sorted[i].score) continue;
    const double precision = static_cast<double>(right) / (i + 1);
    if (precision >= target_precision) {
      gate.threshold = sorted[i].score;
      gate.precision = precision;
      gate.coverage = static_cast<double>(i + 1) / sorted.size();
    }
  }
  return gate;
}

Result<Gate> CalibrateGateFromLabels(const Index& index,
                                     const std::map<std::string, std::string>& labels,
                                     double target_precision, std::size_t max_queries) {
  std::vector<GateExample> examples;
  SearchOptions so;
  so.k = 1;
  for (const auto& [id, label] : labels) {
    if (examples.size() >= max_queries) break;
    auto hits = index.SearchSimilar(id, so);
    if (!hits) continue;  // not indexed
    if (hits->empty()) {
      examples.push_back({0.0, false});
      continue;
    }
    auto it = labels.find(hits->front().id);
    examples.push_back({hits->front().score, it != labels.end() && it->second == label});
  }
  return CalibrateGate(examples, target_precision);
}

GatedHits ApplyGate(std::vector<Hit> hits, const Gate& gate) {
  GatedHits out;
  std::erase_if(hits, [&](const Hit& h) { return h.score < gate.threshold; });
  out.confident = !hits.empty();
  out.hits = std::move(hits);
  return out;
}

}  // namespace ticketwise::retrieve
