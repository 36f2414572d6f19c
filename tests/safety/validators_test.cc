// The validators on their own: known-good identifiers pass, near misses fail.
#include "safety/validators.h"

#include <gtest/gtest.h>

namespace ticketwise::safety {
namespace {

TEST(ValidatorsTest, Luhn) {
  EXPECT_TRUE(IsValidLuhnCard("4111111111111111"));
  EXPECT_TRUE(IsValidLuhnCard("4111 1111 1111 1111"));
  EXPECT_FALSE(IsValidLuhnCard("4111111111111112"));
  EXPECT_FALSE(IsValidLuhnCard("411111111111"));  // too short
  EXPECT_TRUE(HasKnownCardIssuer("4111111111111111"));
  EXPECT_TRUE(HasKnownCardIssuer("378282246310005"));
  EXPECT_FALSE(HasKnownCardIssuer("37828224631000"));  // Amex has 15 digits
  EXPECT_FALSE(HasKnownCardIssuer("1234567812345670"));
}

TEST(ValidatorsTest, Iban) {
  EXPECT_TRUE(IsValidIban("DE89 3704 0044 0532 0130 00"));
  EXPECT_TRUE(IsValidIban("gb82west12345698765432"));
  EXPECT_TRUE(IsValidIban("NO9386011117947"));
  EXPECT_FALSE(IsValidIban("DE89 3704 0044 0532 0130 01"));
  EXPECT_FALSE(IsValidIban("DE88370400440532013000"));
  EXPECT_FALSE(IsValidIban("XX89370400440532013000"));  // unknown country
  EXPECT_FALSE(IsValidIban("DE89-3704-0044-0532-0130-00"));
}

TEST(ValidatorsTest, NationalIds) {
  EXPECT_TRUE(IsValidSsn("123-45-6789"));
  EXPECT_FALSE(IsValidSsn("666-45-6789"));
  EXPECT_FALSE(IsValidSsn("923-45-6789"));
  EXPECT_FALSE(IsValidSsn("123-45-678"));
  EXPECT_TRUE(IsValidSpanishId("12345678Z"));
  EXPECT_TRUE(IsValidSpanishId("X1234567L"));
  EXPECT_FALSE(IsValidSpanishId("12345678A"));
  EXPECT_TRUE(IsValidUkNino("AB 12 34 56 C"));
  EXPECT_FALSE(IsValidUkNino("BG123456C"));
  EXPECT_FALSE(IsValidUkNino("AB123456E"));
}

TEST(ValidatorsTest, Addresses) {
  EXPECT_TRUE(IsValidIpv4("0.0.0.0"));
  EXPECT_TRUE(IsValidIpv4("255.255.255.255"));
  EXPECT_FALSE(IsValidIpv4("256.1.1.1"));
  EXPECT_FALSE(IsValidIpv4("1.2.3"));
  EXPECT_FALSE(IsValidIpv4("01.2.3.4"));
  EXPECT_TRUE(IsValidIpv6("::1"));
  EXPECT_TRUE(IsValidIpv6("2001:db8::"));
  EXPECT_TRUE(IsValidIpv6("::ffff:192.0.2.1"));
  EXPECT_TRUE(IsValidIpv6("2001:db8:85a3:0:0:8a2e:370:7334"));
  EXPECT_FALSE(IsValidIpv6("2001:db8:85a3:0:0:8a2e:370"));
  EXPECT_FALSE(IsValidIpv6("2001::db8::1"));
  EXPECT_FALSE(IsValidIpv6("12345::1"));
  EXPECT_TRUE(IsValidMac("00:1a:2B:3c:4D:5e"));
  EXPECT_FALSE(IsValidMac("00:1a:2B-3c:4D:5e"));
  EXPECT_TRUE(IsValidMac("0011.2233.4455"));
}

}  // namespace
}  // namespace ticketwise::safety
