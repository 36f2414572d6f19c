#include "text/features.h"

#include <gtest/gtest.h>

#include <cmath>

#include <algorithm>
#include <set>

namespace ticketwise::text {
namespace {

TEST(FeatureExtractorTest, IdsAreUniqueAndDistinctWordsComeFirst) {
  FeatureExtractor fx;
  FeatureScratch scratch;
  SparseVector x;
  fx.Extract("printer offline printer offline again", &scratch, &x);
  std::set<std::uint32_t> unique(x.ids.begin(), x.ids.end());
  EXPECT_EQ(unique.size(), x.size());
  ASSERT_EQ(x.words.size(), 3u);
  EXPECT_EQ(x.words[0].token, "printer");
  EXPECT_EQ(x.words[1].token, "offline");
  EXPECT_EQ(x.words[2].token, "again");
  for (std::size_t i = 0; i < x.words.size(); ++i) {
    EXPECT_EQ(x.ids[i], x.words[i].id);
    EXPECT_EQ(x.values[i], x.words[i].weight);
  }
  EXPECT_NEAR(x.words[0].weight, 1.0f + std::log(2.0f), 1e-6);
  EXPECT_EQ(x.size(), 3u + 3u);  // three words, three distinct bigrams
}

TEST(FeatureExtractorTest, CharNgramsAreSortedUniqueAndInTheCharacterGroup) {
  FeatureExtractor fx(
      FeatureOptions{.hash_bits = 18, .word_ngrams = 1, .char_min = 2, .char_max = 4});
  std::vector<std::uint32_t> ids;
  fx.CharNgrams("aaaa", &ids);
  // "<aaaa>": {<a, aa, a>}, {<aa, aaa, aa>}, {<aaa, aaaa, aaa>}: 9 distinct n-grams of length 2
  // to 4.
  EXPECT_EQ(ids.size(), 9u);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  for (std::uint32_t id : ids) {
    EXPECT_GE(id, 1u << 18);
    EXPECT_LT(id, 2u << 18);
  }
  std::vector<std::uint32_t> accented;
  fx.CharNgrams("café", &accented);
  // "<café>" is 6 code points, not 7 bytes: 5 bigrams, 4 trigrams, 3 four-grams.
  EXPECT_EQ(accented.size(), 5u + 4u + 3u);
}

TEST(FeatureExtractorTest, RepeatedWordsGetSublinearWeight) {
  FeatureExtractor fx(
      FeatureOptions{.hash_bits = 18, .word_ngrams = 1, .char_min = 2, .char_max = 0});
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
  FeatureExtractor fx(
      FeatureOptions{.hash_bits = 20, .word_ngrams = 2, .char_min = 2, .char_max = 0});
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
