// Guards a floor far below the measured accuracy on the bundled demo data; the measured figures
// come from `ticketwise eval` and bench/classify_vs_baselines.
#include <gtest/gtest.h>

#include "classify/metrics.h"
#include "classify/trainer.h"
#include "ingest/import.h"

namespace ticketwise::classify {
namespace {

TEST(DemoAccuracyTest, BundledDemoDataStaysAboveFloor) {
  ingest::ImportOptions io;
  io.text_columns = {"text"};
  io.label_column = "category";
  auto train = ingest::ImportFile(TW_SOURCE_DIR "/data/demo/train.csv", io);
  auto test = ingest::ImportFile(TW_SOURCE_DIR "/data/demo/test.csv", io);
  ASSERT_TRUE(train.has_value()) << train.error().ToString();
  ASSERT_TRUE(test.has_value()) << test.error().ToString();
  EXPECT_EQ(train->report.rows_skipped, 0u);
  std::vector<std::string_view> texts, labels;
  for (const auto& r : train->rows) {
    texts.push_back(r.text);
    labels.push_back(r.label);
  }
  auto model = Train(texts, labels, TrainOptions{});
  ASSERT_TRUE(model.has_value()) << model.error().ToString();
  EXPECT_EQ(model->labels().size(), 8u);
  PredictScratch scratch;
  std::vector<EvalItem> items;
  for (const auto& r : test->rows) {
    Prediction p = model->Predict(r.text, 0.95, 1, &scratch);
    auto truth = model->labels().Find(r.label);
    items.push_back({truth ? std::int64_t(*truth) : -1, p.label, p.confidence, p.abstained});
  }
  Metrics m = Evaluate(items, model->labels().size(), 0.95);
  EXPECT_GT(m.accuracy, 0.65);
  EXPECT_GT(m.macro_f1, 0.6);
  // The 95% operating point must not be wildly miscalibrated on unseen tickets.
  EXPECT_GT(m.operating_precision, 0.85);
  EXPECT_GT(m.operating_coverage, 0.2);
}

}  // namespace
}  // namespace ticketwise::classify
