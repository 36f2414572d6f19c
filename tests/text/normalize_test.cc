#include "text/normalize.h"

#include <gtest/gtest.h>
#include <utf8proc.h>

#include <cstdlib>
#include <string>

namespace ticketwise::text {
namespace {

// What utf8proc alone makes of `s`: the reference the fast paths must agree with.
std::string Utf8procReference(const std::string& s) {
  utf8proc_uint8_t* mapped = nullptr;
  const auto options = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT |
                                                      UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
  const utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                   static_cast<utf8proc_ssize_t>(s.size()), &mapped, options);
  EXPECT_GE(n, 0);
  std::string out(reinterpret_cast<char*>(mapped), n < 0 ? 0 : static_cast<std::size_t>(n));
  std::free(mapped);
  return out;
}

TEST(NormalizeTest, LowercasesAscii) {
  EXPECT_EQ(Normalize("Outlook CRASHES on Start"), "outlook crashes on start");
}

TEST(NormalizeTest, TurnsFullwidthLettersIntoAscii) {
  EXPECT_EQ(Normalize("\xEF\xBC\xA5\xEF\xBD\x92\xEF\xBD\x92\xEF\xBD\x8F\xEF\xBD\x92"),
            "error");                                                   // Ｅｒｒｏｒ
  EXPECT_EQ(Normalize("\xEF\xBC\x91\xEF\xBC\x90\xEF\xBC\x85"), "10%");  // １０％
}

TEST(NormalizeTest, CaseFoldsGermanSharpS) {
  EXPECT_EQ(Normalize("Stra\xC3\x9F"
                      "e"),
            "strasse");
  EXPECT_EQ(Normalize("STRA\xE1\xBA\x9E"
                      "E"),
            "strasse");  // capital ẞ
}

TEST(NormalizeTest, CaseFoldsGreekIncludingFinalSigma) {
  EXPECT_EQ(Normalize("\xCE\xA3\xCE\x9F\xCE\xA6\xCE\x8A\xCE\x91"),
            "\xCF\x83\xCE\xBF\xCF\x86\xCE\xAF\xCE\xB1");
  EXPECT_EQ(Normalize("\xCF\x82"), "\xCF\x83");  // ς -> σ
}

TEST(NormalizeTest, CaseFoldsCyrillic) {
  EXPECT_EQ(
      Normalize("\xD0\x9F\xD0\xA0\xD0\x98\xD0\x9D\xD0\xA2\xD0\x95\xD0\xA0 \xD0\x9D\xD0\xB5"),
      "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xBD\xD1\x82\xD0\xB5\xD1\x80 \xD0\xBD\xD0\xB5");  // ПРИНТЕР Не
}

TEST(NormalizeTest, ComposesLetterWithFollowingCombiningMark) {
  EXPECT_EQ(Normalize("Cafe\xCC\x81"), "caf\xC3\xA9");
  EXPECT_EQ(Normalize("CAFE\xCC\x81 ok"), "caf\xC3\xA9 ok");
}

TEST(NormalizeTest, ExpandsCompatibilityCharacters) {
  EXPECT_EQ(Normalize("\xEF\xAC\x81le"), "file");          // ﬁ ligature
  EXPECT_EQ(Normalize("x\xC2\xB2 \xE2\x91\xA0"), "x2 1");  // superscript two, circled one
}

TEST(NormalizeTest, ReplacesInvalidUtf8) {
  EXPECT_EQ(Normalize("A\xFF"
                      "B"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(Normalize("\xC3\xA9\xE2\x82"), "\xC3\xA9\xEF\xBF\xBD");
}

TEST(NormalizeTest, TurnsControlCharactersOtherThanTabAndNewlineIntoSpaces) {
  EXPECT_EQ(Normalize(std::string("a\rb\x01"
                                  "c\td\ne\x7F"
                                  "f\0g",
                                  13)),
            "a b c\td\ne f g");
  EXPECT_EQ(Normalize("\xC3\xA9\xC2\x85x"), "\xC3\xA9 x");  // C1 control NEL
}

TEST(NormalizeTest, AsciiFastPathMatchesUtf8procOnEveryAsciiCharacter) {
  std::string ascii = "\t\n";
  for (char c = 0x20; c < 0x7F; ++c) ascii.push_back(c);
  EXPECT_EQ(Normalize(ascii), Utf8procReference(ascii));
}

TEST(NormalizeTest, MixedTextMatchesUtf8procOnTheWholeString) {
  for (const std::string s : {
           "Caf\xC3\xA9 MENU e\xCC\x81t\xC3\xA9",  // composed and decomposed accents
           "A\xCC\x8A"
           "BC \xE2\x84\xAB",                         // A + ring, Angstrom sign
           "\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8 x",  // Hangul jamo that compose into one syllable
           "ID \xEF\xBC\xA1\xEF\xBC\xA2 \xEF\xBD\xB6\xEF\xBE\x9E",  // fullwidth, halfwidth katakana
                                                                    // + voicing
           "q\xCC\xA3\xCC\x87 done",  // marks that canonical ordering swaps
           "\xC3\x9F\xC3\x9F\xC3\x9F",
       }) {
    EXPECT_EQ(Normalize(s), Utf8procReference(s)) << s;
  }
}

TEST(NormalizeTest, NormalizeIntoOverwritesPreviousContent) {
  std::string out = "previous content that is longer";
  NormalizeInto("ABC", &out);
  EXPECT_EQ(out, "abc");
  NormalizeInto("\xC3\x89T\xC3\x89", &out);
  EXPECT_EQ(out, "\xC3\xA9t\xC3\xA9");
  NormalizeInto("", &out);
  EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace ticketwise::text
