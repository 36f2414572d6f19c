#include "text/tokenize.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "text/normalize.h"

namespace ticketwise::text {
namespace {

using Tokens = std::vector<std::string>;

Tokens Tok(std::string_view normalized) {
  std::vector<std::string_view> views;
  Tokenize(normalized, &views);
  return Tokens(views.begin(), views.end());
}

// Tokenizes the way the engine does: normalization first.
Tokens NormTok(std::string_view raw) { return Tok(Normalize(raw)); }

TEST(TokenizeTest, SplitsWordsOnSpacesAndPunctuation) {
  EXPECT_EQ(Tok("printer is offline, again!"), (Tokens{"printer", "is", "offline", "again"}));
}

TEST(TokenizeTest, KeepsHexErrorCodeWhole) {
  EXPECT_EQ(Tok("error 0x80070005 on update"), (Tokens{"error", "0x80070005", "on", "update"}));
}

TEST(TokenizeTest, KeepsKbNumberWholeAfterNormalization) {
  EXPECT_EQ(NormTok("Install KB4023057 failed"), (Tokens{"install", "kb4023057", "failed"}));
}

TEST(TokenizeTest, EmitsVersionWholeThenItsParts) {
  EXPECT_EQ(Tok("build 10.0.19045"), (Tokens{"build", "10.0.19045", "10", "0", "19045"}));
  EXPECT_EQ(Tok("v2.3.1"), (Tokens{"v2.3.1", "v2", "3", "1"}));
}

TEST(TokenizeTest, EmitsFqdnWholeThenItsParts) {
  EXPECT_EQ(Tok("srv-db01.corp.example.com"),
            (Tokens{"srv-db01.corp.example.com", "srv", "db01", "corp", "example", "com"}));
}

TEST(TokenizeTest, EmitsIpv4AddressWholeThenOctets) {
  EXPECT_EQ(Tok("ping 192.168.1.10 fails"),
            (Tokens{"ping", "192.168.1.10", "192", "168", "1", "10", "fails"}));
}

TEST(TokenizeTest, KeepsNormalizedWindowsPathWhole) {
  EXPECT_EQ(NormTok("C:\\Windows\\System32"),
            (Tokens{"c:\\windows\\system32", "c", "windows", "system32"}));
}

TEST(TokenizeTest, KeepsUnixPathWithItsLeadingSlash) {
  EXPECT_EQ(Tok("see /var/log/syslog"), (Tokens{"see", "/var/log/syslog", "var", "log", "syslog"}));
}

TEST(TokenizeTest, KeepsUncPathWithItsLeadingBackslashes) {
  EXPECT_EQ(Tok("\\\\fs01\\share"), (Tokens{"\\\\fs01\\share", "fs01", "share"}));
}

TEST(TokenizeTest, KeepsEmailAddressWhole) {
  EXPECT_EQ(Tok("mail user@example.com"),
            (Tokens{"mail", "user@example.com", "user", "example", "com"}));
}

TEST(TokenizeTest, LeavesSentenceFinalPeriodOut) {
  EXPECT_EQ(Tok("please restart the server."), (Tokens{"please", "restart", "the", "server"}));
  EXPECT_EQ(Tok("it crashed in outlook.exe."),
            (Tokens{"it", "crashed", "in", "outlook.exe", "outlook", "exe"}));
  EXPECT_EQ(Tok("path c:\\temp\\ and /tmp/."),
            (Tokens{"path", "c:\\temp", "c", "temp", "and", "/tmp"}));
}

TEST(TokenizeTest, KeepsIdentifiersWithUnderscoreOrHyphen) {
  EXPECT_EQ(Tok("max_connections"), (Tokens{"max_connections", "max", "connections"}));
}

TEST(TokenizeTest, DoesNotStartTokensWithDashesOrDots) {
  EXPECT_EQ(Tok("--force .net -- _x"), (Tokens{"force", "net", "x"}));
}

TEST(TokenizeTest, SplitsCyrillicWordsOnSpaces) {
  EXPECT_EQ(
      NormTok("\xD0\x9F\xD1\x80\xD0\xB8\xD0\xBD\xD1\x82\xD0\xB5\xD1\x80 \xD0\xBD\xD0\xB5 "
              "\xD0\xBF\xD0\xB5\xD1\x87\xD0\xB0\xD1\x82\xD0\xB0\xD0\xB5\xD1\x82."),
      (Tokens{"\xD0\xBF\xD1\x80\xD0\xB8\xD0\xBD\xD1\x82\xD0\xB5\xD1\x80", "\xD0\xBD\xD0\xB5",
              "\xD0\xBF\xD0\xB5\xD1\x87\xD0\xB0\xD1\x82\xD0\xB0\xD0\xB5\xD1\x82"}));  // принтер не
                                                                                      // печатает
}

TEST(TokenizeTest, SplitsJapaneseIntoOneTokenPerCharacter) {
  // プリンタが動かない
  EXPECT_EQ(
      Tok("\xE3\x83\x97\xE3\x83\xAA\xE3\x83\xB3\xE3\x82\xBF\xE3\x81\x8C\xE5\x8B\x95\xE3\x81\x8B"
          "\xE3\x81\xAA\xE3\x81\x84"),
      (Tokens{"\xE3\x83\x97", "\xE3\x83\xAA", "\xE3\x83\xB3", "\xE3\x82\xBF", "\xE3\x81\x8C",
              "\xE5\x8B\x95", "\xE3\x81\x8B", "\xE3\x81\xAA", "\xE3\x81\x84"}));
}

TEST(TokenizeTest, EndsLatinWordWhereHanBegins) {
  // windows10の更新
  EXPECT_EQ(Tok("windows10\xE3\x81\xAE\xE6\x9B\xB4\xE6\x96\xB0"),
            (Tokens{"windows10", "\xE3\x81\xAE", "\xE6\x9B\xB4", "\xE6\x96\xB0"}));
}

TEST(TokenizeTest, KeepsThaiCombiningVowelWithItsConsonant) {
  // กิน: ก + combining sara i, then น.
  EXPECT_EQ(Tok("\xE0\xB8\x81\xE0\xB8\xB4\xE0\xB8\x99"),
            (Tokens{"\xE0\xB8\x81\xE0\xB8\xB4", "\xE0\xB8\x99"}));
}

TEST(TokenizeTest, KeepsCombiningMarksInsideWords) {
  // नमस्ते: Devanagari with a virama and vowel signs is one word.
  EXPECT_EQ(
      Tok("\xE0\xA4\xA8\xE0\xA4\xAE\xE0\xA4\xB8\xE0\xA5\x8D\xE0\xA4\xA4\xE0\xA5\x87 ok").size(),
      2u);
}

TEST(TokenizeTest, TreatsNonAsciiPunctuationAsSeparator) {
  EXPECT_EQ(Tok("don\xE2\x80\x99t \xE2\x80\x9Cwork\xE2\x80\x9D"), (Tokens{"don", "t", "work"}));
}

TEST(TokenizeTest, IgnoresInvalidBytesInsteadOfCrashing) {
  EXPECT_EQ(Tok("ab\xFF"
                "cd"),
            (Tokens{"ab", "cd"}));
}

TEST(TokenizeTest, YieldsNothingForPunctuationOnly) {
  EXPECT_TRUE(Tok(" ... --- /// \\\\ ").empty());
  EXPECT_TRUE(Tok("").empty());
}

TEST(TokenizeTest, ClearsOutputAndPointsIntoInput) {
  const std::string text = "disk c: full";
  std::vector<std::string_view> tokens = {"stale"};
  Tokenize(text, &tokens);
  ASSERT_EQ(tokens.size(), 3u);
  for (std::string_view t : tokens) {
    EXPECT_GE(t.data(), text.data());
    EXPECT_LE(t.data() + t.size(), text.data() + text.size());
  }
}

}  // namespace
}  // namespace ticketwise::text
