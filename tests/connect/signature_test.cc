#include "connect/signature.h"

#include <cctype>
#include <string>

#include <gtest/gtest.h>

namespace ticketwise::connect {
namespace {

constexpr char kBody[] = R"({"webhookEvent":"jira:issue_created"})";

TEST(HmacTest, MatchesRfc4231TestCase2) {
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(HmacSha256Base64("Jefe", "what do ya want for nothing?"),
            "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
}

TEST(HmacTest, Base64RoundTrips) {
  EXPECT_EQ(DecodeBase64("c2VjcmV0LWtleQ=="), "secret-key");
  EXPECT_EQ(DecodeBase64("c2VjcmV0LWtleQ"), "secret-key");
  EXPECT_FALSE(DecodeBase64("not base64!").has_value());
  EXPECT_FALSE(DecodeBase64("A").has_value());
}

TEST(JiraSignatureTest, AcceptsTheHexHmacOfTheRawBodyInEitherCase) {
  const std::string hex = HmacSha256Hex("s3cret", kBody);
  EXPECT_TRUE(VerifyJiraSignature("s3cret", kBody, "sha256=" + hex).ok());
  std::string upper = hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(VerifyJiraSignature("s3cret", kBody, "SHA256=" + upper).ok());
  EXPECT_TRUE(VerifyJiraSignature("s3cret", kBody, " sha256=" + hex + " ").ok());
}

TEST(JiraSignatureTest, RejectsAWrongSecretOrAChangedBody) {
  const std::string header = "sha256=" + HmacSha256Hex("s3cret", kBody);
  Status wrong_secret = VerifyJiraSignature("other", kBody, header);
  EXPECT_EQ(wrong_secret.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(wrong_secret.message().find("does not match"), std::string::npos);
  std::string changed = kBody;
  changed += ' ';
  EXPECT_FALSE(VerifyJiraSignature("s3cret", changed, header).ok());
}

TEST(JiraSignatureTest, SaysWhatIsWrongWithAMissingOrMalformedHeader) {
  Status missing = VerifyJiraSignature("s3cret", kBody, std::nullopt);
  EXPECT_EQ(missing.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.message().find("missing X-Hub-Signature"), std::string::npos);
  const std::string hex = HmacSha256Hex("s3cret", kBody);
  for (const std::string& bad :
       {hex, "sha1=" + hex, "sha256=" + hex.substr(2), "sha256=" + hex + "00",
        "sha256=" + std::string(64, 'g'), std::string("sha256=")}) {
    Status s = VerifyJiraSignature("s3cret", kBody, bad);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("malformed"), std::string::npos) << bad << ": " << s.message();
    EXPECT_EQ(s.message().find("s3cret"), std::string::npos);
  }
}

TEST(JiraSignatureTest, WithoutASecretNothingVerifies) {
  const std::string header = "sha256=" + HmacSha256Hex("", kBody);
  EXPECT_EQ(VerifyJiraSignature("", kBody, header).code(), StatusCode::kFailedPrecondition);
}

TEST(ServiceNowSignatureTest, AcceptsTheBase64HmacKeyedByTheDecodedSecret) {
  const std::string secret_b64 = "c2VjcmV0LWtleQ==";  // "secret-key"
  const std::string header = HmacSha256Base64("secret-key", kBody);
  EXPECT_TRUE(VerifyServiceNowSignature(secret_b64, kBody, header).ok());
  EXPECT_TRUE(VerifyServiceNowSignature(secret_b64, kBody, " " + header).ok());
}

TEST(ServiceNowSignatureTest, RejectsMissingMalformedAndWrongSignatures) {
  const std::string secret_b64 = "c2VjcmV0LWtleQ==";
  EXPECT_NE(VerifyServiceNowSignature(secret_b64, kBody, std::nullopt)
                .message()
                .find("missing X-SN-Signature"),
            std::string::npos);
  EXPECT_NE(VerifyServiceNowSignature(secret_b64, kBody, "%%%").message().find("malformed"),
            std::string::npos);
  EXPECT_NE(VerifyServiceNowSignature(secret_b64, kBody, "c2hvcnQ=").message().find("malformed"),
            std::string::npos);
  // Keyed with the base64 text instead of the bytes it encodes: a common setup mistake.
  Status wrong = VerifyServiceNowSignature(secret_b64, kBody, HmacSha256Base64(secret_b64, kBody));
  EXPECT_EQ(wrong.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(wrong.message().find("does not match"), std::string::npos);
  EXPECT_EQ(VerifyServiceNowSignature("", kBody, "x").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(VerifyServiceNowSignature("***", kBody, "x").code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ticketwise::connect
