// Webhook signatures: HMAC-SHA256 of the raw request body with the tenant's secret.
//
// Jira (Cloud and Data Center) sends `X-Hub-Signature: sha256=<hex>`; the key is the secret's
// UTF-8 bytes. ServiceNow's Business Rule (docs/servicenow/ticketwise_business_rule.js) sends
// `X-SN-Signature: <base64>`, computed by GlideCertificateEncryption.generateMac with a key given
// in base64, so the ServiceNow secret is that base64 text and the key is what it decodes to. Verify
// on the raw bytes before any parsing. Comparison takes time independent of where the digests
// differ. OpenSSL stays inside the .cc. Pure functions, safe from any thread.
//
// Every failure is a non-OK Status whose message says what was wrong without echoing the secret or
// the expected digest: kFailedPrecondition when no secret is configured, kInvalidArgument for a
// missing or malformed header or a signature that does not match. The HTTP layer answers 401 to
// all of them (and may log the message).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ticketwise/status.h"

namespace ticketwise::connect {

// Lower-case hex of HMAC-SHA256(key, message).
std::string HmacSha256Hex(std::string_view key, std::string_view message);

// Standard base64 (with padding) of HMAC-SHA256(key, message).
std::string HmacSha256Base64(std::string_view key, std::string_view message);

// Checks a Jira `X-Hub-Signature` header value ("sha256=" + 64 hex digits, either case) against
// the body. `header` is nullopt when the request had no such header.
Status VerifyJiraSignature(std::string_view secret, std::string_view body,
                           std::optional<std::string_view> header);

// Checks a ServiceNow `X-SN-Signature` header value (base64 of the 32-byte MAC; surrounding
// spaces are ignored) against the body. `secret_base64` is the secret as configured in the
// instance's system property: base64 of the key bytes.
Status VerifyServiceNowSignature(std::string_view secret_base64, std::string_view body,
                                 std::optional<std::string_view> header);

// Decodes standard base64 (padding optional, no line breaks); nullopt when `text` is not base64.
std::optional<std::string> DecodeBase64(std::string_view text);

}  // namespace ticketwise::connect
