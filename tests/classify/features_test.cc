#include "text/features.h"

#include <gtest/gtest.h>

#include <cmath>

#include <algorithm>
#include <set>

namespace ticketwise::text {
namespace {

TEST(FeatureExtractorTest, IdsAreUniqueAndWordGroupComesFirst) {
  FeatureExtractor fx;
  FeatureScratch scratch;
  SparseVector x;
  fx.Extract("printer offline printer offline again", &scratch, &x);
  std::set<std::uint32_t> unique(x.ids.begin(), x.ids.end());
  EXPECT_EQ(unique.size(), x.size());
  const std::uint32_t split = 1u << fx.options().hash_bits;
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_EQ(x.ids[i] < split, i < x.word_count) << i;
}

TEST(FeatureExtractorTest, RepeatedWordsGetSublinearWeight) {
  FeatureExtractor fx(FeatureOptions{.hash_bits = 18, .word_ngrams = 1, .char_min = 2, .char_max = 0});
  FeatureScratch scratch;
  SparseVector x;
  fx.Extract("vpn vpn vpn vpn", &scratch, &x);
  ASSERT_EQ(x.size(), 1u);
  EXPECT_NEAR(x.values[0], 1.0f + std::log(4.0f), 1e-6);
}

TEST(FeatureExtractorTest, CaseAndWidthDoNotChangeFeatures) {
  FeatureExtractor fx;
  FeatureScratch scratch;
  SparseVector a, b;
  fx.Extract("VPN Error 0x80070005", &scratch, &a);
  fx.Extract("vpn error 0x80070005", &scratch, &b);
  EXPECT_EQ(a.ids, b.ids);
  EXPECT_EQ(a.values, b.values);
}

TEST(FeatureExtractorTest, BigramsDependOnWordOrder) {
  FeatureExtractor fx(FeatureOptions{.hash_bits = 20, .word_ngrams = 2, .char_min = 2, .char_max = 0});
  FeatureScratch scratch;
  SparseVector a, b;
  fx.Extract("reset password", &scratch, &a);
  fx.Extract("password reset", &scratch, &b);
  std::vector<std::uint32_t> sa(a.ids), sb(b.ids);
  std::sort(sa.begin(), sa.end());
  std::sort(sb.begin(), sb.end());
  EXPECT_EQ(sa.size(), 3u);
  EXPECT_NE(sa, sb);  // same unigrams, different bigram
}

TEST(FeatureExtractorTest, EmptyAndInvalidTextAreHandled) {
  FeatureExtractor fx;
  FeatureScratch scratch;
  SparseVector x;
  fx.Extract("", &scratch, &x);
  EXPECT_EQ(x.size(), 0u);
  fx.Extract(std::string_view("\xff\xfe broken", 9), &scratch, &x);
  EXPECT_GT(x.size(), 0u);
}

}  // namespace
}  // namespace ticketwise::text
