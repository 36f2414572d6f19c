// Learned heads for triage: the probabilities of an ordinary classify::Model (trained on the
// priority or assignment-group column instead of the category) as the LabelProb lists that
// TicketSignals carries. Thread-safe as the model is: each thread passes its own scratch.
#pragma once

#include <string_view>
#include <vector>

#include "classify/model.h"
#include "triage/types.h"

namespace ticketwise::triage {

// Every label of `model` with its calibrated probability for `text`, in label order.
std::vector<LabelProb> HeadProbabilities(const classify::Model& model, std::string_view text,
                                         classify::PredictScratch* scratch);

// The label names of `model`, in label order (for Triage::CheckHeads).
std::vector<std::string> HeadLabels(const classify::Model& model);

}  // namespace ticketwise::triage
