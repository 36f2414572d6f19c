#include "store/codec.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace ticketwise::store {
namespace {

TEST(CodecTest, AlternativesRoundTripExactlyWithAwkwardLabels) {
  const std::vector<Alternative> in = {{"plain", 0.5f},
                                       {"tab\there", 0.1234567f},
                                       {"new\nline", 1e-30f},
                                       {"back\\slash\\", 1.0f},
                                       {"", 0.0f}};
  const std::string text = EncodeAlternatives(in);
  Result<std::vector<Alternative>> out = DecodeAlternatives(text);
  ASSERT_TRUE(out) << out.error().ToString();
  ASSERT_EQ(out->size(), in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ((*out)[i].label, in[i].label);
    EXPECT_EQ((*out)[i].p, in[i].p);  // bit-exact, not approximately
  }
}

TEST(CodecTest, EmptyListIsEmptyText) {
  EXPECT_EQ(EncodeAlternatives({}), "");
  Result<std::vector<Alternative>> out = DecodeAlternatives("");
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->empty());
}

TEST(CodecTest, MalformedAlternativesAreCorruption) {
  for (const char* bad : {"label", "label\t0.5", "label\tx\n", "bad\\q\t0.5\n", "end\\\t1\n"}) {
    Result<std::vector<Alternative>> out = DecodeAlternatives(bad);
    ASSERT_FALSE(out) << bad;
    EXPECT_EQ(out.error().code(), StatusCode::kCorruption) << bad;
  }
}

TEST(CodecTest, ReasonsRoundTripWithNewlinesBackslashesAndEmptyOnes) {
  const std::vector<std::string> reasons = {"matrix -1.00: impact high", "", "a\nb \\n c\\", "\n"};
  const std::string text = EncodeReasons(reasons);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4);
  Result<std::vector<std::string>> back = DecodeReasons(text);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, reasons);
  EXPECT_EQ(EncodeReasons({}), "");
  ASSERT_TRUE(DecodeReasons(""));
  EXPECT_TRUE(DecodeReasons("")->empty());
  for (const char* bad : {"no newline", "bad \\q escape\n", "dangling \\\n"}) {
    Result<std::vector<std::string>> out = DecodeReasons(bad);
    ASSERT_FALSE(out) << bad;
    EXPECT_EQ(out.error().code(), StatusCode::kCorruption) << bad;
  }
}

TEST(CodecTest, EnumNamesRoundTripAndUnknownNamesAreCorruption) {
  for (Mode m : {Mode::kShadow, Mode::kSuggest, Mode::kAuto}) {
    EXPECT_EQ(DecodeMode(ModeName(m)).value(), m);
  }
  for (Verdict v : {Verdict::kAccepted, Verdict::kCorrected, Verdict::kFlagged}) {
    EXPECT_EQ(ParseVerdict(VerdictName(v)).value(), v);
  }
  for (Visibility v : {Visibility::kInternal, Visibility::kPublic}) {
    EXPECT_EQ(DecodeVisibility(VisibilityName(v)).value(), v);
  }
  EXPECT_EQ(DecodeMode("Auto").error().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseVerdict("").error().code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeVisibility("private").error().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace ticketwise::store
