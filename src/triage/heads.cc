#include "triage/heads.h"

namespace ticketwise::triage {

std::vector<LabelProb> HeadProbabilities(const classify::Model& model, std::string_view text,
                                         classify::PredictScratch* scratch) {
  std::vector<float> probs;
  model.Probabilities(text, scratch, &probs);
  std::vector<LabelProb> out;
  out.reserve(probs.size());
  for (std::size_t i = 0; i < probs.size(); ++i)
    out.push_back({std::string(model.labels().Name(static_cast<std::uint32_t>(i))), probs[i]});
  return out;
}

std::vector<std::string> HeadLabels(const classify::Model& model) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < model.labels().size(); ++i)
    out.emplace_back(model.labels().Name(static_cast<std::uint32_t>(i)));
  return out;
}

}  // namespace ticketwise::triage
