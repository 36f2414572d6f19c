// Bad input: binary junk, invalid UTF-8, megabyte tokens and inputs built to make pattern
// matchers backtrack. FindPii must stay linear and never read outside the text. The time limits
// are far above what a linear scan needs (even under sanitizers) and far below what a quadratic
// one would take on these sizes.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>

#include "safety/pii.h"
#include "safety/redactor.h"

namespace ticketwise::safety {
namespace {

constexpr std::size_t kMiB = 1 << 20;

// Sanitized Debug builds run the scanner a few hundred times slower (a linear 256 KiB scan of
// "1 1 1 ..." takes ~30 s there, 0.07 s in a release build); the limit keeps the same meaning, "far
// below what a quadratic scan would take", in both.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr double kScanLimitSeconds = 150.0;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr double kScanLimitSeconds = 150.0;
#else
constexpr double kScanLimitSeconds = 10.0;
#endif
#else
constexpr double kScanLimitSeconds = 10.0;
#endif

double SecondsToScan(const std::string& text) {
  const auto start = std::chrono::steady_clock::now();
  const auto spans = FindPii(text);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::size_t prev_end = 0;
  for (const PiiSpan& span : spans) {
    EXPECT_LE(prev_end, span.start);
    EXPECT_LT(span.start, span.end);
    EXPECT_LE(span.end, text.size());
    prev_end = span.end;
  }
  return s;
}

std::string Repeat(std::string_view unit, std::size_t bytes) {
  std::string s;
  s.reserve(bytes + unit.size());
  while (s.size() < bytes) s += unit;
  return s;
}

TEST(PathologicalTest, RepeatedFragmentsScanInLinearTime) {
  for (const char* unit : {"a",
                           "1",
                           "1 ",
                           "1-",
                           "1.",
                           "+1 ",
                           "a@",
                           "a.",
                           "@a.",
                           "::",
                           "1:",
                           "a:",
                           "ab:",
                           "-----BEGIN ",
                           "-----BEGIN RSA PRIVATE KEY-----\n",
                           "eyJ",
                           "eyJ-",
                           "eyJa.",
                           "https://",
                           "http://a:b@",
                           "?token=",
                           "password: ",
                           "password",
                           "Hi ",
                           "Hi John ",
                           "Regards,\n",
                           "my manager ",
                           "DE89 ",
                           "AB 12 ",
                           "xoxb-",
                           "ghp_",
                           "\xc3\xa9",
                           "\xff",
                           "\xc2\xa0",
                           "(",
                           "((1) ",
                           "00:",
                           "0011.",
                           "Mr. A",
                           "Dear Mr. ",
                           "mot de passe "}) {
    // 256 KiB: a quadratic scan would need minutes even here, a linear one well under a second
    // (also under sanitizers in a Debug build).
    const std::string text = Repeat(unit, kMiB / 4);
    EXPECT_LT(SecondsToScan(text), kScanLimitSeconds) << "unit '" << unit << "'";
  }
}

TEST(PathologicalTest, RandomBinaryJunkNeverCrashes) {
  std::mt19937_64 rng(42);
  std::string text(4 * kMiB, '\0');
  for (char& c : text) c = static_cast<char>(rng());
  EXPECT_LT(SecondsToScan(text), kScanLimitSeconds);
  // Junk made only of the bytes the detectors care about.
  const std::string alphabet = "0123456789abcdefABCDEF.:-@+ ()/_=\n\xc2\xa0";
  for (char& c : text) c = alphabet[rng() % alphabet.size()];
  EXPECT_LT(SecondsToScan(text), kScanLimitSeconds);
  Redactor r;
  const Redaction out = r.Redact(text);
  EXPECT_FALSE(out.text.empty());
}

TEST(PathologicalTest, MegabyteTokensAndEmptyInput) {
  EXPECT_TRUE(FindPii("").empty());
  EXPECT_LT(SecondsToScan(std::string(8 * kMiB, 'x')), 10.0);
  EXPECT_LT(SecondsToScan(std::string(8 * kMiB, '7')), 10.0);
  std::string email = std::string(kMiB, 'a') + "@" + std::string(kMiB, 'b') + ".com";
  EXPECT_LT(SecondsToScan(email), 10.0);
  // A PII value at the very end of the buffer, without a terminator after it.
  const std::string tail = "x 4111111111111111";
  EXPECT_EQ(FindPii(std::string_view(tail)).size(), 1u);
}

}  // namespace
}  // namespace ticketwise::safety
