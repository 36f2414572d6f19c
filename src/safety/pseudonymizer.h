// Reversible pseudonymization for internal views: each PII value becomes a token such as
// "[EMAIL:q9Xv...]" that only the holder of the tenant's key can turn back into the value.
//
// The token is deterministic (the same value under the same key always gives the same token, so
// agents can still see that two tickets share an address) and authenticated (a changed token does
// not reveal). Construction, as in SIV mode: a 16-byte synthetic IV = HMAC-SHA256(mac key, type ||
// value), the value encrypted with AES-256-CTR under that IV, token = base64url(IV || ciphertext).
// Both keys are derived from the tenant key with HMAC-SHA256, so one secret per tenant suffices and
// no mapping table has to be stored. Determinism reveals equality of values, by design; use
// Redactor placeholders where even that must not show. A Pseudonymizer is immutable after Create
// and safe to share between threads; it keeps its keys in memory only.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "safety/pii.h"
#include "ticketwise/status.h"

namespace ticketwise::safety {

class Pseudonymizer {
 public:
  // REQUIRES: `tenant_key` holds at least 32 bytes of secret random material (InvalidArgument
  // otherwise).
  static Result<Pseudonymizer> Create(std::string_view tenant_key);

  // "[<LABEL>:<base64url>]", LABEL as in PlaceholderLabel.
  std::string Token(PiiType type, std::string_view value) const;

  // The type and value behind a token made with the same key; InvalidArgument for anything that
  // is not such a token (wrong key, changed or truncated).
  Result<std::pair<PiiType, std::string>> Reveal(std::string_view token) const;

  // `text` with every PII span replaced by its token.
  std::string Pseudonymize(std::string_view text, const DetectOptions& options = {}) const;

  // `text` with every token of this key replaced by its value; other bracketed text is kept.
  std::string RevealText(std::string_view text) const;

 private:
  Pseudonymizer() = default;
  std::array<unsigned char, 32> enc_key_{};
  std::array<unsigned char, 32> mac_key_{};
};

}  // namespace ticketwise::safety
