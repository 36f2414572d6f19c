// Pseudonymizer: deterministic, reversible only with the tenant's key, tamper-evident.
#include "safety/pseudonymizer.h"

#include <gtest/gtest.h>

namespace ticketwise::safety {
namespace {

const std::string kKeyA(32, 'a');
const std::string kKeyB = "another tenant's key, 32+ bytes long";

TEST(PseudonymizerTest, NeedsAKeyOfAtLeast32Bytes) {
  EXPECT_FALSE(Pseudonymizer::Create("short").has_value());
  EXPECT_TRUE(Pseudonymizer::Create(kKeyA).has_value());
}

TEST(PseudonymizerTest, TokensAreDeterministicPerKeyAndReversible) {
  const auto a = Pseudonymizer::Create(kKeyA).value();
  const auto b = Pseudonymizer::Create(kKeyB).value();
  const std::string t = a.Token(PiiType::kEmail, "anna@example.com");
  EXPECT_EQ(t.rfind("[EMAIL:", 0), 0u) << t;
  EXPECT_EQ(t, a.Token(PiiType::kEmail, "anna@example.com"));
  EXPECT_NE(t, a.Token(PiiType::kEmail, "bob@example.com"));
  EXPECT_NE(t, b.Token(PiiType::kEmail, "anna@example.com")) << "tenants differ";
  const auto revealed = a.Reveal(t);
  ASSERT_TRUE(revealed.has_value());
  EXPECT_EQ(revealed->first, PiiType::kEmail);
  EXPECT_EQ(revealed->second, "anna@example.com");
  EXPECT_FALSE(b.Reveal(t).has_value()) << "another tenant's key reveals nothing";
}

TEST(PseudonymizerTest, ChangedTokensDoNotReveal) {
  const auto a = Pseudonymizer::Create(kKeyA).value();
  std::string t = a.Token(PiiType::kPhone, "+49 30 1234567");
  t[t.size() - 3] = t[t.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(a.Reveal(t).has_value());
  const std::string u = a.Token(PiiType::kPhone, "+49 30 1234567");
  EXPECT_FALSE(a.Reveal("[EMAIL" + u.substr(6)).has_value()) << "the type is authenticated";
  for (const char* junk : {"", "[", "[]", "[EMAIL:]", "[EMAIL:!!]", "[NOPE:abc]"})
    EXPECT_FALSE(a.Reveal(junk).has_value()) << junk;
}

TEST(PseudonymizerTest, TextRoundTrip) {
  const auto a = Pseudonymizer::Create(kKeyA).value();
  const std::string text = "Hi John,\nmail john@example.com or call +49 30 1234567. [not a token]";
  const std::string p = a.Pseudonymize(text);
  EXPECT_EQ(p.find("john@example.com"), std::string::npos);
  EXPECT_NE(p.find("[PERSON:"), std::string::npos);
  EXPECT_EQ(a.RevealText(p), text);
  EXPECT_EQ(Pseudonymizer::Create(kKeyB).value().RevealText(p), p);
}

}  // namespace
}  // namespace ticketwise::safety
