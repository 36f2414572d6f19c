// PII detection: finds personal data and secrets in ticket text as typed byte spans.
//
// FindPii makes one left-to-right pass over the bytes. A 256-entry byte table sends each word
// start, '@', '+', '(' and "-----BEGIN" to the detector that can start there; each detector reads
// a bounded window, runs its validator (Luhn, IBAN mod-97, SSN rules, strict IP syntax...) and
// proposes a span. Overlapping proposals are settled afterwards: the earliest start wins, then the
// longer span, then the more specific type. Work is linear in the input whatever it holds
// (binary junk, invalid UTF-8, megabyte tokens); see docs/decisions/0008-pii-detection.md.
// Spans never split a UTF-8 sequence of valid input. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace ticketwise::safety {

enum class PiiType : std::uint8_t {
  kEmail,
  kPhone,
  kCard,        // payment card number, Luhn-valid with a known issuer prefix
  kIban,        // mod-97 valid, country length checked
  kSsn,         // US Social Security number
  kNationalId,  // Spanish DNI/NIE, UK National Insurance number
  kIpv4,
  kIpv6,
  kMac,
  kUrlCredential,  // a URL with user:password@ or a token/key/signature parameter (whole URL)
  kSecret,         // cloud and API keys, GitHub/Slack/GitLab tokens, JWTs, PEM private keys
  kPassword,       // the value after "password:", "pwd=", "Passwort:", "mot de passe :" ...
  kPerson,         // a name the context makes clear: greeting, signature, "my manager X", "Mr X"
};
inline constexpr int kPiiTypeCount = 13;

// Stable lower-case name: "email", "phone", "card", "iban", "ssn", "national_id", "ipv4", "ipv6",
// "mac", "url_credential", "secret", "password", "person".
std::string_view PiiTypeName(PiiType type);
// The inverse of PiiTypeName; nullopt for an unknown name.
std::optional<PiiType> PiiTypeFromName(std::string_view name);

// One finding: text[start, end) is PII of `type`. Offsets are bytes into the scanned text.
struct PiiSpan {
  PiiType type = PiiType::kEmail;
  std::size_t start = 0;
  std::size_t end = 0;

  friend bool operator==(const PiiSpan&, const PiiSpan&) = default;
};

struct DetectOptions {
  // Detect person names from context. Off when a caller only wants the structured types.
  bool person_names = true;
};

// Returns the PII spans of `text`, sorted by start, never overlapping.
std::vector<PiiSpan> FindPii(std::string_view text, const DetectOptions& options = {});

}  // namespace ticketwise::safety
