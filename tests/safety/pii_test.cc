// FindPii: every type is found in realistic phrasing, and look-alikes are not.
#include "safety/pii.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace ticketwise::safety {
namespace {

using testing_util::Found;
using testing_util::Strings;

TEST(PiiTypeTest, NamesRoundTrip) {
  for (int i = 0; i < kPiiTypeCount; ++i) {
    const auto type = static_cast<PiiType>(i);
    EXPECT_EQ(PiiTypeFromName(PiiTypeName(type)), type);
  }
  EXPECT_FALSE(PiiTypeFromName("nope").has_value());
}

TEST(FindPiiTest, SpansAreByteOffsetsIntoTheInput) {
  const std::string text = "mail jo@example.org now";
  const auto spans = FindPii(text);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0], (PiiSpan{PiiType::kEmail, 5, 19}));
}

TEST(FindPiiTest, FindsEmailAddresses) {
  EXPECT_EQ(Found("contact john.doe+it@mail.example.co.uk, or <a_b@ex-ample.de>."),
            (Strings{"email:john.doe+it@mail.example.co.uk", "email:a_b@ex-ample.de"}));
  EXPECT_TRUE(Found("user@localhost and @mention and a@b.c1").empty());
}

TEST(FindPiiTest, FindsInternationalAndNationalPhoneNumbers) {
  EXPECT_EQ(
      Found("Call +49 30 1234567 or +44 (0)20 7946 0958 or +33 6 12 34 56 78."),
      (Strings{"phone:+49 30 1234567", "phone:+44 (0)20 7946 0958", "phone:+33 6 12 34 56 78"}));
  EXPECT_EQ(Found("(555) 234-5678, 555-234-5678, 1-800-555-0199, 030 12345678, 0171/1234567"),
            (Strings{"phone:(555) 234-5678", "phone:555-234-5678", "phone:1-800-555-0199",
                     "phone:030 12345678", "phone:0171/1234567"}));
  EXPECT_EQ(Found("Tel: 612345678"), (Strings{"phone:612345678"}));
  EXPECT_EQ(Found("two: 555-234-5678 555-987-6543"),
            (Strings{"phone:555-234-5678", "phone:555-987-6543"}));
}

TEST(FindPiiTest, DatesVersionsAndTimestampsAreNotPhoneNumbers) {
  EXPECT_TRUE(Found("released 2021-03-07 21:10, build 08-31-11-16-56, id 13404344").empty());
  EXPECT_TRUE(Found("version 3.3.1 on 24/07/25 11:00, error 0x80070005, port 8080").empty());
  EXPECT_TRUE(Found("please call back on 05.10.2023 or 2023-10-05").empty());
}

TEST(FindPiiTest, FindsLuhnValidCardsAndRejectsNearMisses) {
  EXPECT_EQ(
      Found("card 4111 1111 1111 1111 and 5500-0000-0000-0004 and 378282246310005"),
      (Strings{"card:4111 1111 1111 1111", "card:5500-0000-0000-0004", "card:378282246310005"}));
  EXPECT_TRUE(Found("card 4111 1111 1111 1112").empty()) << "bad Luhn digit";
  EXPECT_TRUE(Found("order 1234567812345670").empty()) << "Luhn-valid but no issuer";
}

TEST(FindPiiTest, FindsIbansAndRejectsBadChecksums) {
  EXPECT_EQ(
      Found(
          "IBAN DE89 3704 0044 0532 0130 00, GB82WEST12345698765432, FR1420041010050500013M02606"),
      (Strings{"iban:DE89 3704 0044 0532 0130 00", "iban:GB82WEST12345698765432",
               "iban:FR1420041010050500013M02606"}));
  EXPECT_TRUE(Found("IBAN DE89 3704 0044 0532 0130 01").empty()) << "checksum off by one";
  EXPECT_TRUE(Found("DE8937040044053201300").empty()) << "one character short";
}

TEST(FindPiiTest, FindsSsnsAndNationalIds) {
  EXPECT_EQ(Found("SSN 123-45-6789; ssn: 234 56 7890"),
            (Strings{"ssn:123-45-6789", "ssn:234 56 7890"}));
  EXPECT_TRUE(Found("666-12-3456 000-12-3456 123-00-4567 123-45-0000 912-34-5678").empty());
  EXPECT_EQ(Found("DNI 12345678Z, NIE X1234567L, NINO AB 12 34 56 C / JG103759A"),
            (Strings{"national_id:12345678Z", "national_id:X1234567L", "national_id:AB 12 34 56 C",
                     "national_id:JG103759A"}));
  EXPECT_TRUE(Found("DNI 12345678A").empty()) << "wrong control letter";
}

TEST(FindPiiTest, FindsIpAndMacAddresses) {
  EXPECT_EQ(Found("hosts 192.168.1.10, 10.0.0.0/24 and 8.8.8.8:53"),
            (Strings{"ipv4:192.168.1.10", "ipv4:10.0.0.0", "ipv4:8.8.8.8"}));
  EXPECT_TRUE(Found("version 1.2.3.4.5 and 256.1.1.1 and 01.2.3.4").empty());
  EXPECT_EQ(Found("v6 2001:db8::8a2e:370:7334, fe80::1%eth0, ::1 and [2001:db8:0:0:0:0:2:1]"),
            (Strings{"ipv6:2001:db8::8a2e:370:7334", "ipv6:fe80::1", "ipv6:::1",
                     "ipv6:2001:db8:0:0:0:0:2:1"}));
  EXPECT_TRUE(Found("std::string a::b at 12:30:45").empty());
  EXPECT_EQ(Found("mac 00:1A:2B:3C:4D:5E, 00-1a-2b-3c-4d-5e and 0011.2233.4455"),
            (Strings{"mac:00:1A:2B:3C:4D:5E", "mac:00-1a-2b-3c-4d-5e", "mac:0011.2233.4455"}));
}

TEST(FindPiiTest, FourPartVersionsAreNotAddresses) {
  EXPECT_TRUE(Found("Upgrade jackson-databind to 2.9.10.3; snappy-java:jar:1.1.8.2").empty());
  EXPECT_TRUE(Found("HDP-2.6.5.165-3 and Zulu 8.54.0.21-CA, version 0.8.2.1").empty());
  EXPECT_TRUE(Found("hbase 1.2.6 --> 1.2.6.1, jackson < 2.9.10.4, VM 17.0.1.0 (build 9)").empty());
  EXPECT_EQ(Found("can't ping 8.8.8.8 from 10.1.2.3"), (Strings{"ipv4:8.8.8.8", "ipv4:10.1.2.3"}));
  EXPECT_EQ(Found("release 10.2.3.4567. ping 151.220.220.180 fails"),
            (Strings{"ipv4:151.220.220.180"}));
}

TEST(FindPiiTest, KerberosPrincipalsAndUrlUsersAreNotEmailAddresses) {
  EXPECT_TRUE(
      Found("kinit hdfs/nn1@EXAMPLE.COM, nn/_HOST@EXAMPLE.COM, namenode@CORP.LOCAL").empty());
  EXPECT_TRUE(Found("remote git@github.com:apache/hadoop.git").empty());
  EXPECT_TRUE(Found("abfs://container@account.dfs.core.windows.net/dir").empty());
  EXPECT_EQ(Found("write to OPS@EXAMPLE.COM"), (Strings{"email:OPS@EXAMPLE.COM"}));
}

TEST(FindPiiTest, IdentifiersThatContainNumbersAreNotNumbers) {
  EXPECT_TRUE(Found("path ndi-0111/56598489-3de3-4585-8426-c034a1 done").empty());
}

TEST(FindPiiTest, FindsUrlsWithCredentialsOnly) {
  EXPECT_EQ(Found("clone https://bob:s3cr3t@git.example.com/repo.git."),
            (Strings{"url_credential:https://bob:s3cr3t@git.example.com/repo.git"}));
  EXPECT_EQ(
      Found("see https://api.example.com/v1?user=1&access_token=abcd1234efgh"),
      (Strings{"url_credential:https://api.example.com/v1?user=1&access_token=abcd1234efgh"}));
  EXPECT_EQ(Found("db postgres://app:pw@10.1.2.3:5432/prod"),
            (Strings{"url_credential:postgres://app:pw@10.1.2.3:5432/prod"}));
  EXPECT_TRUE(Found("docs at https://example.com/kb?id=42&key=short").empty());
}

TEST(FindPiiTest, FindsSecrets) {
  EXPECT_EQ(
      Found("AKIAIOSFODNN7EXAMPLE ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
      (Strings{"secret:AKIAIOSFODNN7EXAMPLE", "secret:ghp_abcdefghijklmnopqrstuvwxyz0123456789"}));
  EXPECT_EQ(
      Found("slack xoxb-123456789012-abcdefABCDEF, gitlab glpat-abcdefghij0123456789"),
      (Strings{"secret:xoxb-123456789012-abcdefABCDEF", "secret:glpat-abcdefghij0123456789"}));
  const std::string jwt =
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_"
      "XgL0n3I9PlFUP0THsR8U";
  EXPECT_EQ(Found("token " + jwt + " expired"), (Strings{"secret:" + jwt}));
  EXPECT_EQ(
      Found("Authorization: Bearer abcdefghijklmnop1234567890\napi_key = \"k3y0123456789abcdef\""),
      (Strings{"secret:abcdefghijklmnop1234567890", "secret:k3y0123456789abcdef"}));
  const std::string pem =
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1234\nabcd==\n-----END RSA PRIVATE "
      "KEY-----";
  EXPECT_EQ(Found("key:\n" + pem + "\nthanks"), (Strings{"secret:" + pem}));
  EXPECT_EQ(Found("-----BEGIN PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1234\n\nplease rotate"),
            (Strings{"secret:-----BEGIN PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1234"}));
  EXPECT_TRUE(Found("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----").empty());
}

TEST(FindPiiTest, FindsPasswordsInSeveralLanguages) {
  EXPECT_EQ(Found("password: Hunter2! pwd=abc123 Passwort: Geheim123"),
            (Strings{"password:Hunter2!", "password:abc123", "password:Geheim123"}));
  EXPECT_EQ(Found("mot de passe : azerty99, contraseña es Clave2024."),
            (Strings{"password:azerty99", "password:Clave2024"}));
  EXPECT_EQ(Found("{\"password\": \"s3 cret\"}"), (Strings{"password:s3 cret"}));
  EXPECT_TRUE(
      Found("my password is expired; password: reset please; Kennwort ist abgelaufen").empty());
  EXPECT_TRUE(Found("String password = conf.getPassword(KEY);").empty());
  EXPECT_EQ(Found("docker run -e MINIO_ROOT_PASSWORD=iepaeg3of minio"),
            (Strings{"password:iepaeg3of"}));
}

TEST(FindPiiTest, FindsNamesWhenContextMakesThemClear) {
  EXPECT_EQ(Found("Hi John,\nthe printer is broken."), (Strings{"person:John"}));
  EXPECT_EQ(Found("Sehr geehrte Frau Müller, Hallo Jürgen! Bonjour Marie-Claire,"),
            (Strings{"person:Müller", "person:Jürgen", "person:Marie-Claire"}));
  EXPECT_EQ(Found("VPN down.\n\nBest regards,\nJane van der Berg\n"),
            (Strings{"person:Jane van der Berg"}));
  EXPECT_EQ(Found("Thanks, Peter O'Neil"), (Strings{"person:Peter O'Neil"}));
  EXPECT_EQ(Found("my manager Peter Miller approved; mein Kollege ist Tom Weber."),
            (Strings{"person:Peter Miller", "person:Tom Weber"}));
  EXPECT_EQ(Found("Mr. Smith called. Je m'appelle Marie Dupont. My name is Ana Lopez."),
            (Strings{"person:Smith", "person:Marie Dupont", "person:Ana Lopez"}));
  EXPECT_EQ(Found("Hi John", {.person_names = false}), Strings{});
  EXPECT_EQ(Found("Cześć! Hi Łukasz,"), (Strings{"person:Łukasz"}));
  EXPECT_TRUE(Found("MS Surface Pro and MR FileInput formats").empty());
  EXPECT_EQ(Found("Bonjour Madame van der Berg,"), (Strings{"person:van der Berg"}));
}

TEST(FindPiiTest, CommonCapitalisedWordsAfterGreetingsAreNotNames) {
  EXPECT_TRUE(
      Found("Dear Customer Support,\nHello Team, Hi all, Hallo Kundenservice-Team,").empty());
  EXPECT_TRUE(Found("Hi, I have a problem. Thanks,\nThe IT Team").empty());
  EXPECT_TRUE(Found("hi john, regards\njane doe").empty()) << "lower-case words are not names";
}

TEST(FindPiiTest, NonBreakingSpaceIsABoundary) {
  EXPECT_EQ(Found("at\xc2\xa0"
                  "10.1.2.3\xc2\xa0"
                  "today"),
            (Strings{"ipv4:10.1.2.3"}));
}

TEST(FindPiiTest, OverlapsKeepTheEarliestLongestSpan) {
  const auto spans = FindPii("https://ann:pw1@mail.example.com/x ann@example.com");
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].type, PiiType::kUrlCredential);
  EXPECT_EQ(spans[1].type, PiiType::kEmail);
  for (std::size_t i = 1; i < spans.size(); ++i) EXPECT_LE(spans[i - 1].end, spans[i].start);
}

}  // namespace
}  // namespace ticketwise::safety
