#include "classify/model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "classify/trainer.h"

namespace ticketwise::classify {
namespace {

// A small labelled set with a clear signal per label and some shared noise words.
struct Corpus {
  std::vector<std::string> texts;
  std::vector<std::string> labels;
  std::vector<std::string_view> TextViews() const { return {texts.begin(), texts.end()}; }
  std::vector<std::string_view> LabelViews() const { return {labels.begin(), labels.end()}; }
};

Corpus MakeCorpus() {
  const char* kTopics[][4] = {{"printer", "toner", "paper jam", "Hardware"},
                              {"password", "locked account", "login", "Access"},
                              {"invoice", "purchase order", "quote", "Purchase"}};
  const char* kNoise[] = {"please", "help", "urgent", "thanks", "today", "colleague"};
  Corpus c;
  for (int i = 0; i < 300; ++i) {
    const auto& t = kTopics[i % 3];
    c.texts.push_back(std::string(kNoise[i % 6]) + " " + t[i % 3] + " issue " +
                      kNoise[(i / 3) % 6] + " " + t[(i / 7) % 3]);
    c.labels.push_back(t[3]);
  }
  return c;
}

TrainOptions SmallOptions() {
  TrainOptions o;
  o.features.hash_bits = 16;
  o.min_df = 1;
  return o;
}

TEST(ModelTest, LearnsSeparableTopics) {
  Corpus c = MakeCorpus();
  auto model = Train(c.TextViews(), c.LabelViews(), SmallOptions());
  ASSERT_TRUE(model.has_value()) << model.error().ToString();
  PredictScratch scratch;
  Prediction p = model->Predict("the printer has a paper jam again", 0.5, 3, &scratch);
  EXPECT_EQ(model->labels().Name(p.label), "Hardware");
  EXPECT_GT(p.confidence, 0.5f);
  ASSERT_EQ(p.top.size(), 3u);
  EXPECT_GE(p.top[0].p, p.top[1].p);
  float sum = 0;
  for (const auto& lp : p.top) sum += lp.p;
  EXPECT_NEAR(sum, 1.0f, 1e-4);
}

TEST(ModelTest, RefusesFewerThanTwoLabels) {
  std::vector<std::string_view> texts = {"a", "b"}, labels = {"x", "x"};
  auto model = Train(texts, labels, SmallOptions());
  ASSERT_FALSE(model.has_value());
  EXPECT_EQ(model.error().code(), StatusCode::kInvalidArgument);
}

TEST(ModelTest, SaveLoadRoundTripGivesIdenticalPredictions) {
  Corpus c = MakeCorpus();
  auto model = Train(c.TextViews(), c.LabelViews(), SmallOptions());
  ASSERT_TRUE(model.has_value());
  const std::string path = testing::TempDir() + "/roundtrip.twm";
  ASSERT_TRUE(model->Save(path).ok());
  auto loaded = Model::Load(path);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_EQ(loaded->labels().names(), model->labels().names());
  EXPECT_EQ(loaded->Serialize(), model->Serialize());
  PredictScratch s1, s2;
  for (const std::string& t : c.texts) {
    Prediction a = model->Predict(t, 0.9, 2, &s1), b = loaded->Predict(t, 0.9, 2, &s2);
    EXPECT_EQ(a.label, b.label);
    EXPECT_EQ(a.confidence, b.confidence);
    EXPECT_EQ(a.abstained, b.abstained);
  }
  std::remove(path.c_str());
}

TEST(ModelTest, RefusesUnknownFormatVersion) {
  Corpus c = MakeCorpus();
  auto model = Train(c.TextViews(), c.LabelViews(), SmallOptions());
  ASSERT_TRUE(model.has_value());
  std::string bytes = model->Serialize();
  bytes[8] = 99;  // the version follows the 8-byte magic number
  auto loaded = Model::Deserialize(bytes);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code(), StatusCode::kUnsupported);
  EXPECT_NE(loaded.error().message().find("version 99"), std::string::npos);
}

TEST(ModelTest, RefusesDamagedAndForeignFiles) {
  Corpus c = MakeCorpus();
  auto model = Train(c.TextViews(), c.LabelViews(), SmallOptions());
  ASSERT_TRUE(model.has_value());
  std::string bytes = model->Serialize();
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x40;
  EXPECT_EQ(Model::Deserialize(flipped).error().code(), StatusCode::kCorruption);
  EXPECT_EQ(Model::Deserialize(bytes.substr(0, bytes.size() - 100)).error().code(),
            StatusCode::kCorruption);
  EXPECT_EQ(Model::Deserialize("not a model at all").error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Model::Load(testing::TempDir() + "/does-not-exist.twm").error().code(),
            StatusCode::kNotFound);
}

TEST(ModelTest, SameSeedGivesSameModelWhateverTheThreadCount) {
  Corpus c = MakeCorpus();
  TrainOptions one = SmallOptions(), two = SmallOptions();
  one.threads = 1;
  two.threads = 2;
  auto a = Train(c.TextViews(), c.LabelViews(), one);
  auto b = Train(c.TextViews(), c.LabelViews(), two);
  auto again = Train(c.TextViews(), c.LabelViews(), two);
  ASSERT_TRUE(a && b && again);
  EXPECT_EQ(a->Serialize(), b->Serialize());
  EXPECT_EQ(b->Serialize(), again->Serialize());
}

TEST(ModelTest, AbstainsMoreAtHigherTargetPrecision) {
  Corpus c = MakeCorpus();
  auto model = Train(c.TextViews(), c.LabelViews(), SmallOptions());
  ASSERT_TRUE(model.has_value());
  for (std::uint32_t label = 0; label < model->labels().size(); ++label) {
    EXPECT_LE(model->Threshold(label, 0.80), model->Threshold(label, 0.95));
    EXPECT_EQ(model->Threshold(label, 0.49), 0.0f);  // below the grid: never abstain
    EXPECT_EQ(model->Threshold(label, 0.5), model->thresholds()[label]);
    EXPECT_GT(model->Threshold(label, std::nan("")), 1.0f);  // NaN: always abstain
    EXPECT_GT(model->Threshold(label, 0.999), 1.0f);         // beyond the grid: always abstain
  }
}

}  // namespace
}  // namespace ticketwise::classify

namespace ticketwise::classify {
namespace {

TEST(ModelTest, WordCacheOnlySavesWorkAndNeverChangesProbabilities) {
  Corpus c = MakeCorpus();
  auto model = Train(c.TextViews(), c.LabelViews(), SmallOptions());
  ASSERT_TRUE(model.has_value());
  ASSERT_GT(model->word_cache().size(), 0u);
  Model uncached = ModelBuilder::Build(model->labels(), model->options(), model->info(),
                                       model->space(), model->weights(), model->bias(),
                                       model->thresholds(), WordCache(), model->calibration());
  PredictScratch s1, s2;
  std::vector<float> p1, p2;
  for (const char* text : {"printer toner paper jam", "locked account login please",
                           "quote for invoice today", "unseen words everywhere"}) {
    model->Probabilities(text, &s1, &p1);
    uncached.Probabilities(text, &s2, &p2);
    ASSERT_EQ(p1.size(), p2.size());
    for (std::size_t i = 0; i < p1.size(); ++i) EXPECT_NEAR(p1[i], p2[i], 1e-5) << text;
  }
}

}  // namespace
}  // namespace ticketwise::classify

namespace ticketwise::classify {
namespace {

// Regression: with more threads than chunks of work, a worker may run nothing; training must not
// depend on which one did.
TEST(ModelTest, MoreThreadsThanWorkGivesTheSameModel) {
  Corpus c = MakeCorpus();
  c.texts.resize(600, "spare ticket text");
  c.labels.resize(600, "Hardware");
  TrainOptions one = SmallOptions(), many = SmallOptions();
  one.threads = 1;
  many.threads = 8;
  auto reference = Train(c.TextViews(), c.LabelViews(), one);
  ASSERT_TRUE(reference.has_value());
  for (int i = 0; i < 20; ++i) {
    auto again = Train(c.TextViews(), c.LabelViews(), many);
    ASSERT_TRUE(again.has_value());
    ASSERT_EQ(again->Serialize(), reference->Serialize()) << "run " << i;
  }
}

}  // namespace
}  // namespace ticketwise::classify

namespace ticketwise::classify {
namespace {

// Regression: a label too rare to be held out used to leave calibration with only right answers,
// a runaway temperature and thresholds that let wrong predictions through.
TEST(ModelTest, TooFewHeldOutTicketsMeansAbstainEverywhere) {
  Corpus c = MakeCorpus();
  c.texts.resize(40);
  c.labels.resize(40);
  auto model = Train(c.TextViews(), c.LabelViews(), SmallOptions());
  ASSERT_TRUE(model.has_value());
  EXPECT_EQ(model->info().n_calibration, 0u);
  PredictScratch scratch;
  EXPECT_TRUE(model->Predict("printer toner paper jam", 0.5, 1, &scratch).abstained);
}

TEST(ModelTest, EveryLabelWithTwoTicketsIsHeldOutOnce) {
  Corpus c = MakeCorpus();  // 300 tickets
  c.texts.push_back("rare label one");
  c.labels.push_back("Rare");
  c.texts.push_back("rare label two");
  c.labels.push_back("Rare");
  auto model = Train(c.TextViews(), c.LabelViews(), SmallOptions());
  ASSERT_TRUE(model.has_value());
  EXPECT_EQ(model->info().n_calibration, 3u * 15u + 1u);  // 15% of each 100, and one of "Rare"
}

TEST(ModelTest, NoCharacterNgramsStillSavesAndLoads) {
  Corpus c = MakeCorpus();
  TrainOptions o = SmallOptions();
  o.features.char_max = 0;
  auto model = Train(c.TextViews(), c.LabelViews(), o);
  ASSERT_TRUE(model.has_value());
  auto loaded = Model::Deserialize(model->Serialize());
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
}

TEST(ModelTest, TextsWithoutWordsAreAClearError) {
  std::vector<std::string_view> texts = {"!!!", "???", "...", "---"}, labels = {"a", "b", "a", "b"};
  auto model = Train(texts, labels, SmallOptions());
  ASSERT_FALSE(model.has_value());
  EXPECT_NE(model.error().message().find("no usable features"), std::string::npos);
}

TEST(ModelTest, RefusesNonFiniteNumbersInModelFile) {
  Corpus c = MakeCorpus();
  auto model = Train(c.TextViews(), c.LabelViews(), SmallOptions());
  ASSERT_TRUE(model.has_value());
  std::string bytes = model->Serialize();
  // The temperature sits right after the options and the three counts; find it by its value.
  const float t = model->info().temperature;
  const std::size_t at = bytes.find(std::string(reinterpret_cast<const char*>(&t), sizeof t));
  ASSERT_NE(at, std::string::npos);
  const float nan = std::nanf("");
  std::memcpy(bytes.data() + at, &nan, sizeof nan);
  const std::uint64_t sum =
      Model::FileChecksum(std::string_view(bytes).substr(0, bytes.size() - 8));
  std::memcpy(bytes.data() + bytes.size() - 8, &sum, 8);
  auto loaded = Model::Deserialize(bytes);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace ticketwise::classify
