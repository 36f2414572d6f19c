#include "text/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace ticketwise::text {
namespace {

constexpr std::size_t kNpos = std::string_view::npos;

TEST(Utf8Test, AcceptsAsciiAndEveryEncodingLength) {
  EXPECT_EQ(FindInvalidUtf8(""), kNpos);
  EXPECT_EQ(FindInvalidUtf8("plain ascii text"), kNpos);
  EXPECT_EQ(FindInvalidUtf8("\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF"), kNpos);
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));  // U+D7FF, the last code point before the surrogates
}

TEST(Utf8Test, RejectsOverlongFormsAtTheirOffset) {
  EXPECT_EQ(FindInvalidUtf8("ab\xC0\x80"), 2u);          // U+0000 in two bytes
  EXPECT_EQ(FindInvalidUtf8("ab\xC1\xBF"), 2u);          // U+007F in two bytes
  EXPECT_EQ(FindInvalidUtf8("x\xE0\x80\xAF"), 1u);       // '/' in three bytes
  EXPECT_EQ(FindInvalidUtf8("xy\xF0\x80\x80\xAF"), 2u);  // '/' in four bytes
}

TEST(Utf8Test, RejectsSurrogatesAndCodePointsAboveMax) {
  EXPECT_EQ(FindInvalidUtf8("a\xED\xA0\x80"), 1u);       // U+D800
  EXPECT_EQ(FindInvalidUtf8("a\xED\xBF\xBF"), 1u);       // U+DFFF
  EXPECT_EQ(FindInvalidUtf8("ab\xF4\x90\x80\x80"), 2u);  // U+110000
  EXPECT_EQ(FindInvalidUtf8("\xF5\x80\x80\x80"), 0u);
  EXPECT_EQ(FindInvalidUtf8("\xFF"), 0u);
}

TEST(Utf8Test, RejectsTruncatedSequences) {
  EXPECT_EQ(FindInvalidUtf8("abc\xE2\x82"), 3u);  // cut off at the end
  EXPECT_EQ(FindInvalidUtf8("\xE2\x82x"), 0u);    // cut off by ASCII
  EXPECT_EQ(FindInvalidUtf8("ok \xF0\x9F\x98 ok"), 3u);
  EXPECT_EQ(FindInvalidUtf8("\x80"), 0u);  // lone continuation byte
}

TEST(Utf8Test, FindsInvalidByteAfterLongAsciiRun) {
  std::string s(37, 'a');
  s += "\xC3\xA9";
  s += std::string(20, 'b');
  const std::size_t bad = s.size();
  s += "\xC3";
  s += "tail";
  EXPECT_EQ(FindInvalidUtf8(s), bad);
}

TEST(Utf8Test, SanitizeKeepsValidTextUnchanged) {
  const std::string text = "caf\xC3\xA9 \xE2\x82\xAC 5";
  EXPECT_EQ(SanitizeUtf8(text), text);
}

TEST(Utf8Test, SanitizeReplacesEachMaximalSubpartOnce) {
  EXPECT_EQ(SanitizeUtf8("a\xE2\x82"
                         "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(SanitizeUtf8("\xF0\x9F\x98"), "\xEF\xBF\xBD");
  // C0 can never start a sequence, so the overlong pair is two errors.
  EXPECT_EQ(SanitizeUtf8("\xC0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  // ED A0 is already wrong at its second byte: one U+FFFD per byte.
  EXPECT_EQ(SanitizeUtf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(SanitizeUtf8("x\xFFy\xFEz"), "x\xEF\xBF\xBDy\xEF\xBF\xBDz");
}

TEST(Utf8Test, SanitizedOutputIsValid) {
  const std::string garbage =
      "\xE2\x28\xA1\xF0\x28\x8C\xBC\xC3\x28\xF8\xA1\xA1\xA1\xA1\xED\xB0\x80";
  EXPECT_FALSE(IsValidUtf8(garbage));
  EXPECT_TRUE(IsValidUtf8(SanitizeUtf8(garbage)));
}

}  // namespace
}  // namespace ticketwise::text
