// Training of a Model from labelled ticket texts.
//
// Steps: extract features of every text (in parallel); keep features seen in at least min_df texts
// and weight them by idf; hold out calibration_fraction of each label; train one-vs-rest linear
// SVMs on the rest (one label per thread); fit the softmax temperature and per-label thresholds on
// the held-out part; train again on every text, starting from the first solution, and keep the
// calibration. The result depends on the data, the options and the seed only, never on the thread
// count.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "classify/model.h"
#include "ticketwise/status.h"

namespace ticketwise::classify {

// Called with a stage name ("features", "encode", "train", "calibrate", "refit", "cache") and the
// fraction done in [0, 1]. It may be called from several training threads at once, so it must be
// thread-safe; fractions of one stage may arrive out of order.
using ProgressFn = std::function<void(std::string_view stage, double fraction)>;

// Most labels one model holds; the model file format refuses more.
inline constexpr std::size_t kMaxLabels = 1u << 20;
// Fewest held-out tickets that calibration and abstention thresholds are fitted on.
inline constexpr std::size_t kMinCalibration = 30;

// Checks the options a caller may set; the same check Train makes first.
Status ValidateTrainOptions(const TrainOptions& options);

// REQUIRES: texts.size() == labels.size(). Fails with InvalidArgument when there are fewer than two
// distinct labels or no texts.
Result<Model> Train(const std::vector<std::string_view>& texts,
                    const std::vector<std::string_view>& labels, const TrainOptions& options,
                    const ProgressFn& progress = {});

}  // namespace ticketwise::classify
