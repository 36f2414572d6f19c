#include "server/api_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ticketwise::server {
namespace {

TEST(ApiJsonTest, DecisionJsonIsValidJsonWithEveryValueEscapedAndExact) {
  Decision d;
  d.id = "d_1";
  d.ticket_id = "t_\"2\"";
  d.input_hash = "abc";
  d.created_at_ms = 1764770000123;
  d.engine_micros = 42;
  FieldDecision f;
  f.field = "category";
  f.label = "Back\\slash \"quoted\"\nline\ttab\x01 caf\xc3\xa9";
  f.confidence = 0.7452887f;
  f.abstained = true;
  f.mode = Mode::kSuggest;
  f.model_version = "v3";
  f.top = {{f.label, 0.7452887f}, {"Other", 1e-7f}};
  d.fields.push_back(f);
  const nlohmann::json j = nlohmann::json::parse(DecisionJson(d));
  EXPECT_EQ(j["decision_id"], "d_1");
  EXPECT_EQ(j["ticket_id"], "t_\"2\"");
  EXPECT_EQ(j["created_at_ms"], 1764770000123);
  EXPECT_EQ(j["engine_micros"], 42);
  const auto& c = j["fields"]["category"];
  EXPECT_EQ(c["label"], f.label);
  EXPECT_EQ(c["confidence"].get<double>(), static_cast<double>(f.confidence));
  EXPECT_EQ(c["abstained"], true);
  EXPECT_EQ(c["mode"], "suggest");
  EXPECT_EQ(c["model_version"], "v3");
  ASSERT_EQ(c["top"].size(), 2u);
  EXPECT_EQ(c["top"][1]["label"], "Other");
  EXPECT_EQ(c["top"][1]["p"].get<double>(), static_cast<double>(1e-7f));
}

TEST(ApiJsonTest, DecisionJsonReplacesInvalidUtf8InsteadOfFailing) {
  Decision d;
  FieldDecision f;
  f.field = "category";
  f.label = "bad \xff byte";
  d.fields.push_back(f);
  const nlohmann::json j = nlohmann::json::parse(DecisionJson(d));
  EXPECT_EQ(j["fields"]["category"]["label"], "bad \xef\xbf\xbd byte");
}

}  // namespace
}  // namespace ticketwise::server
