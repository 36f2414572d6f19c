#include "engine/engine.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "classify/trainer.h"

namespace ticketwise::engine {
namespace {

// Three topics with a clear signal each and shared noise words, as in the classifier's tests.
std::shared_ptr<const classify::Model> TrainTinyModel() {
  const char* kTopics[][4] = {{"printer", "toner", "paper jam", "Hardware"},
                              {"password", "locked account", "login", "Access"},
                              {"invoice", "purchase order", "quote", "Purchase"}};
  const char* kNoise[] = {"please", "help", "urgent", "thanks", "today", "colleague"};
  std::vector<std::string> texts, labels;
  for (int i = 0; i < 300; ++i) {
    const auto& t = kTopics[i % 3];
    texts.push_back(std::string(kNoise[i % 6]) + " " + t[i % 3] + " issue " + kNoise[(i / 3) % 6] +
                    " " + t[(i / 7) % 3]);
    labels.push_back(t[3]);
  }
  classify::TrainOptions o;
  o.features.hash_bits = 16;
  o.min_df = 1;
  auto model = classify::Train({texts.begin(), texts.end()}, {labels.begin(), labels.end()}, o);
  if (!model) return nullptr;
  return std::make_shared<const classify::Model>(std::move(*model));
}

const std::shared_ptr<const classify::Model>& TinyModel() {
  static const std::shared_ptr<const classify::Model> model = TrainTinyModel();
  return model;
}

Ticket PrinterTicket() {
  Ticket t;
  t.external_id = "ITSM-1";
  t.title = "printer paper jam";
  t.description = "the toner is empty and the printer has a paper jam again";
  return t;
}

TEST(EngineTest, DecidesCategoryWithAlternativesModeAndVersion) {
  ASSERT_NE(TinyModel(), nullptr);
  Engine engine;
  engine.SetModel("tenant-a", TinyModel(), "tiny-v1");
  auto d = engine.Decide("tenant-a", PrinterTicket());
  ASSERT_TRUE(d.has_value()) << d.error().ToString();
  EXPECT_EQ(d->tenant, "tenant-a");
  EXPECT_TRUE(d->id.empty());  // the store assigns it
  ASSERT_EQ(d->fields.size(), 1u);
  const FieldDecision& f = d->fields[0];
  EXPECT_EQ(f.field, "category");
  EXPECT_EQ(f.label, "Hardware");
  EXPECT_GT(f.confidence, 0.5f);
  EXPECT_FALSE(f.abstained);
  ASSERT_EQ(f.top.size(), 3u);
  EXPECT_EQ(f.top[0].label, "Hardware");
  EXPECT_GE(f.top[0].p, f.top[1].p);
  EXPECT_GE(f.top[1].p, f.top[2].p);
  EXPECT_EQ(f.mode, Mode::kShadow);
  EXPECT_EQ(f.model_version, "tiny-v1");
  EXPECT_GE(d->engine_micros, 0);
}

TEST(EngineTest, AbstainsWhenTargetPrecisionCannotBeMet) {
  ASSERT_NE(TinyModel(), nullptr);
  EngineOptions options;
  options.target_precision = 1.5;  // above the grid: every label abstains
  options.top_k = 2;
  Engine engine(options);
  engine.SetModel("t", TinyModel(), "v");
  auto d = engine.Decide("t", PrinterTicket());
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->fields[0].abstained);
  EXPECT_EQ(d->fields[0].top.size(), 2u);
}

TEST(EngineTest, UnknownTenantIsFailedPrecondition) {
  ASSERT_NE(TinyModel(), nullptr);
  Engine engine;
  EXPECT_FALSE(engine.HasModel("tenant-a"));
  engine.SetModel("tenant-a", TinyModel(), "v1");
  EXPECT_TRUE(engine.HasModel("tenant-a"));
  EXPECT_FALSE(engine.HasModel("tenant-b"));
  auto d = engine.Decide("tenant-b", PrinterTicket());
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code(), StatusCode::kFailedPrecondition);
}

TEST(EngineTest, DefaultModelServesTenantsWithoutTheirOwn) {
  ASSERT_NE(TinyModel(), nullptr);
  Engine engine;
  engine.SetDefaultModel(TinyModel(), "default-v1");
  engine.SetModel("own", TinyModel(), "own-v1");
  EXPECT_EQ(engine.Decide("anyone", PrinterTicket())->fields[0].model_version, "default-v1");
  EXPECT_EQ(engine.Decide("own", PrinterTicket())->fields[0].model_version, "own-v1");
  EXPECT_EQ(engine.ModelVersion("anyone"), "default-v1");
  engine.SetDefaultModel(nullptr, "");
  EXPECT_FALSE(engine.HasModel("anyone"));
  EXPECT_TRUE(engine.HasModel("own"));
}

TEST(EngineTest, AutoModeActsOnlyAboveItsGateAndOtherwiseSuggests) {
  ASSERT_NE(TinyModel(), nullptr);
  Engine engine;
  engine.SetModel("t", TinyModel(), "v1");
  engine.SetPolicy("t", "category", {.mode = Mode::kAuto, .auto_min_confidence = 0.0});
  auto confident = engine.Decide("t", PrinterTicket());
  ASSERT_TRUE(confident.has_value());
  ASSERT_FALSE(confident->fields[0].abstained);
  EXPECT_EQ(confident->fields[0].mode, Mode::kAuto);

  // A gate no confidence reaches.
  engine.SetPolicy("t", "category", {.mode = Mode::kAuto, .auto_min_confidence = 1.01});
  auto unsure = engine.Decide("t", PrinterTicket());
  ASSERT_TRUE(unsure.has_value());
  EXPECT_EQ(unsure->fields[0].mode, Mode::kSuggest);
  engine.SetPolicy("t", "category", {.mode = Mode::kSuggest});
  EXPECT_EQ(engine.Decide("t", PrinterTicket())->fields[0].mode, Mode::kSuggest);
  // Policies are per tenant.
  engine.SetModel("u", TinyModel(), "v1");
  EXPECT_EQ(engine.Decide("u", PrinterTicket())->fields[0].mode, Mode::kShadow);
}

TEST(EngineTest, SetModelReplacesTheTenantsModelVersion) {
  ASSERT_NE(TinyModel(), nullptr);
  Engine engine;
  engine.SetModel("t", TinyModel(), "v1");
  engine.SetModel("t", TinyModel(), "v2");
  EXPECT_EQ(engine.ModelVersion("t"), "v2");
  auto d = engine.Decide("t", PrinterTicket());
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->fields[0].model_version, "v2");
}

TEST(EngineTest, DecidesFromFourThreadsWhileModelsChange) {
  ASSERT_NE(TinyModel(), nullptr);
  Engine engine;
  engine.SetModel("t", TinyModel(), "v1");
  std::vector<int> wrong(4, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&engine, &wrong, i] {
      Ticket ticket;
      ticket.title = i % 2 ? "locked account, cannot login" : "printer toner empty";
      const std::string want = i % 2 ? "Access" : "Hardware";
      for (int n = 0; n < 200; ++n) {
        auto d = engine.Decide("t", ticket);
        if (!d || d->fields.size() != 1 || d->fields[0].label != want) ++wrong[i];
      }
    });
  }
  for (int n = 0; n < 50; ++n) engine.SetModel("t", TinyModel(), "v" + std::to_string(n));
  for (auto& t : threads) t.join();
  for (int i = 0; i < 4; ++i) EXPECT_EQ(wrong[i], 0) << "thread " << i;
}

}  // namespace
}  // namespace ticketwise::engine
