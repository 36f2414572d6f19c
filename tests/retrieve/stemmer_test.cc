#include "retrieve/stemmer.h"

#include <gtest/gtest.h>

#include "retrieve/analyzer.h"

namespace ticketwise::retrieve {
namespace {

TEST(StemmerTest, MergesInflectionsOfOneWord) {
  EXPECT_EQ(Stem("crashes"), Stem("crash"));
  EXPECT_EQ(Stem("crashed"), Stem("crash"));
  EXPECT_EQ(Stem("crashing"), Stem("crash"));
  EXPECT_EQ(Stem("connection"), Stem("connected"));
  EXPECT_EQ(Stem("printers"), Stem("printer"));
  EXPECT_EQ(Stem("passwords"), "password");
}

TEST(StemmerTest, FollowsThePorterRules) {
  EXPECT_EQ(Stem("caresses"), "caress");
  EXPECT_EQ(Stem("ponies"), "poni");
  EXPECT_EQ(Stem("agreed"), "agre");
  EXPECT_EQ(Stem("hopping"), "hop");
  EXPECT_EQ(Stem("filing"), "file");
  EXPECT_EQ(Stem("relational"), "relat");
  EXPECT_EQ(Stem("generalization"), "gener");
  EXPECT_EQ(Stem("adjustment"), "adjust");
  EXPECT_EQ(Stem("controll"), "control");
}

TEST(StemmerTest, LeavesCodesNumbersAndOtherScriptsAlone) {
  EXPECT_EQ(Stem("0x80070005"), "0x80070005");
  EXPECT_EQ(Stem("outlook.exe"), "outlook.exe");
  EXPECT_EQ(Stem("srv-db01"), "srv-db01");
  EXPECT_EQ(Stem("drucker\xc3\xa4"), "drucker\xc3\xa4");
  EXPECT_EQ(Stem("is"), "is");
  EXPECT_EQ(Stem(""), "");
}

TEST(AnalyzerTest, DropsStopWordsAndStemsTheRest) {
  EXPECT_EQ(Analyze("The printers are NOT printing"),
            (std::vector<std::string>{"printer", "print"}));
  EXPECT_TRUE(Analyze("the and of to it is").empty());
  EXPECT_TRUE(Analyze("!!! ??? --- ...").empty());
  EXPECT_TRUE(Analyze("").empty());
}

TEST(AnalyzerTest, KeepsItTokensWhole) {
  const auto terms = Analyze("Error 0x80070005 in outlook.exe on srv-db01");
  EXPECT_NE(std::find(terms.begin(), terms.end(), "0x80070005"), terms.end());
  EXPECT_NE(std::find(terms.begin(), terms.end(), "outlook.exe"), terms.end());
  EXPECT_NE(std::find(terms.begin(), terms.end(), "outlook"), terms.end());
}

}  // namespace
}  // namespace ticketwise::retrieve
