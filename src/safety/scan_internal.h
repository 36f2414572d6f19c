// Internals of the PII scanner shared by its detector files: byte classes and the Scan state a
// detector appends its proposals to. Not part of the public API. Not thread-safe (one Scan per
// FindPii call).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "safety/pii.h"

namespace ticketwise::safety::internal {

constexpr bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
constexpr bool IsAlpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
constexpr bool IsAlnum(unsigned char c) { return IsDigit(c) || IsAlpha(c); }
constexpr bool IsUpper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
constexpr bool IsLower(unsigned char c) { return c >= 'a' && c <= 'z'; }
constexpr bool IsHex(unsigned char c) {
  return IsDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}
// Bytes that continue a word: ASCII letters, digits, '_' and every non-ASCII byte, so that no
// detector starts inside a word of any script.
constexpr bool IsWordByte(unsigned char c) { return IsAlnum(c) || c == '_' || c >= 0x80; }
constexpr bool IsSpace(unsigned char c) { return c == ' ' || c == '\t'; }
constexpr char ToUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; }
constexpr char ToLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// ASCII case-insensitive comparison of text[i, i + word.size()) with lower-case `word`.
inline bool MatchesAt(std::string_view text, std::size_t i, std::string_view word) {
  if (i > text.size() || text.size() - i < word.size()) return false;
  for (std::size_t k = 0; k < word.size(); ++k)
    if (ToLower(text[i + k]) != word[k]) return false;
  return true;
}

struct Scan {
  std::string_view text;
  DetectOptions options;
  std::vector<PiiSpan> found;
  // Set once a search for "-----END" found none from this offset on, so a text full of BEGIN lines
  // is not searched again and again.
  std::size_t pem_end_missing_from = std::string_view::npos;

  unsigned char At(std::size_t i) const {
    return i < text.size() ? static_cast<unsigned char>(text[i]) : 0;
  }
  bool WordBoundaryBefore(std::size_t i) const {
    if (i == 0 || !IsWordByte(At(i - 1))) return true;
    if (At(i - 1) < 0x80) return false;
    return (i >= 2 && IsSpaceOrPunct(i - 2, 2)) || (i >= 3 && IsSpaceOrPunct(i - 3, 3));
  }
  bool WordBoundaryAfter(std::size_t i) const {
    if (i >= text.size() || !IsWordByte(At(i))) return true;
    return At(i) >= 0x80 && (IsSpaceOrPunct(i, 2) || IsSpaceOrPunct(i, 3));
  }
  // True when text[p, p + len) is a non-ASCII space or punctuation mark: no-break space, « »,
  // U+2000-U+206F (spaces, dashes, quotes, bullets), U+3000-U+3003, fullwidth ，：；.
  bool IsSpaceOrPunct(std::size_t p, std::size_t len) const {
    const unsigned char a = At(p), b = At(p + 1), c = At(p + 2);
    if (len == 2) return a == 0xC2 && (b == 0xA0 || b == 0xAB || b == 0xBB);
    if (a == 0xE2 && (b == 0x80 || b == 0x81) && c >= 0x80) return true;
    if (a == 0xE3 && b == 0x80 && c >= 0x80 && c <= 0x83) return true;
    return a == 0xEF && b == 0xBC && (c == 0x8C || c == 0x9A || c == 0x9B);
  }
  void Add(PiiType type, std::size_t start, std::size_t end) {
    if (end > start) found.push_back({type, start, end});
  }
};

// What a lower-cased word means to the detectors that start from keywords.
enum class Keyword : std::uint8_t {
  kNone,
  kGreeting,   // "hi", "dear", "hallo", "bonjour", "hola": a name may follow
  kTitle,      // "mr", "frau", "mme", "sra": a name follows
  kClosing,    // "regards", "thanks", "cordialement": a signature may follow
  kThank,      // "thank" ("thank you")
  kRelation,   // "manager", "colleague", "kollege": after "my", a name may follow
  kName,       // "name" ("my name is X")
  kNameVerb,   // "heisse", "appelle", "llamo": a name follows
  kPassword,   // "password", "pwd", "passwort", "kennwort", "contrasena": a password follows
  kMot,        // "mot" ("mot de passe")
  kSecretKey,  // "api_key", "token", "secret", "bearer": a secret follows
  kUrlScheme,  // "https", "ftp", "postgres": "://" may follow
};

// The meaning of `lower` (ASCII lower-cased, UTF-8 kept) or kNone.
Keyword LookupKeyword(std::string_view lower);

// Word lists of the name detector (name_words.cc).
bool IsStopWord(std::string_view capitalised_word);   // "Team", "Support": not a name
bool HasStopPrefix(std::string_view word);            // "Kundenservice-Team"
bool IsParticle(std::string_view lower_word);         // "van", "de", "von"
bool IsClosingLineWord(std::string_view lower_word);  // "regards", "grüßen"

// Detectors. Each is called at a position the main loop chose, reads a bounded window, appends
// what it finds and returns the offset the main loop may skip to (the start when nothing matched).

// text[i] is a digit, '+' or '(' at a word start: phone, card, SSN, IPv4.
std::size_t DetectNumber(Scan& scan, std::size_t i);
// text[at] == '@'.
void DetectEmail(Scan& scan, std::size_t at);
// text[i] starts a run of hex digits, ':' and '-' / '.': IPv6 and MAC.
std::size_t DetectHexAddress(Scan& scan, std::size_t i);
// text[i, word_end) is a word of letters/digits/_ at a word start: secrets with fixed prefixes,
// IBANs, national ids, URL schemes, password and secret keywords.
std::size_t DetectWordSecrets(Scan& scan, std::size_t i, std::size_t word_end);
// text[i, scheme_end) is a URL scheme followed by "://".
std::size_t DetectUrl(Scan& scan, std::size_t i, std::size_t scheme_end);
// text[i, word_end) is a password or secret keyword: the value after ":", "=", "is" ...
std::size_t DetectKeywordValue(Scan& scan, std::size_t i, std::size_t word_end, Keyword keyword);
// text[i] starts "-----BEGIN ".
std::size_t DetectPem(Scan& scan, std::size_t i);
// Names after greetings, titles, closings and "my manager"-style phrases.
void DetectPerson(Scan& scan, std::size_t i, std::size_t word_end, Keyword keyword);

}  // namespace ticketwise::safety::internal
