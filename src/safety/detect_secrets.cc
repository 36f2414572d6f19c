// Secrets: tokens with fixed prefixes (AWS, GitHub, GitLab, Slack, Stripe, Google), JWTs, PEM
// private key blocks, IBANs and national ids written as one word, and the values that follow
// password and secret keywords in several languages.
#include <string>

#include "safety/scan_internal.h"
#include "safety/validators.h"

namespace ticketwise::safety::internal {
namespace {

constexpr std::size_t kMaxValue = 256;
constexpr std::size_t kMaxJwtSegment = 8192;

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool IsTokenChar(unsigned char c) { return IsAlnum(c) || c == '_' || c == '-'; }

bool AllUpperOrDigit(std::string_view s) {
  for (char c : s)
    if (!IsUpper(static_cast<unsigned char>(c)) && !IsDigit(static_cast<unsigned char>(c)))
      return false;
  return true;
}

// Extends over [A-Za-z0-9_-] from `e`; returns the end.
std::size_t TokenEnd(const Scan& scan, std::size_t e, std::size_t max) {
  const std::size_t start = e;
  while (e - start < max && IsTokenChar(scan.At(e))) ++e;
  return e;
}

// header.payload.signature, each base64url; the header of every JWT starts with "eyJ" ('{"').
std::size_t DetectJwt(Scan& scan, std::size_t i) {
  const std::size_t h = TokenEnd(scan, i, kMaxJwtSegment);
  if (h - i < 10 || scan.At(h) != '.') return h;
  const std::size_t p = TokenEnd(scan, h + 1, kMaxJwtSegment);
  if (p - h - 1 < 10 || scan.At(p) != '.') return h;
  const std::size_t s = TokenEnd(scan, p + 1, kMaxJwtSegment);
  scan.Add(PiiType::kSecret, i, s);
  return s;
}

std::size_t DetectIban(Scan& scan, std::size_t i) {
  // Groups of four characters separated by single spaces ("DE89 3704 0044 0532 0130 00"), or one
  // word; the country code fixes the length.
  const auto length = static_cast<std::size_t>(IbanLength(
      ToUpper(static_cast<char>(scan.At(i))), ToUpper(static_cast<char>(scan.At(i + 1)))));
  if (length == 0) return i;
  std::string compact;
  std::size_t e = i;
  while (compact.size() < length) {
    const unsigned char c = scan.At(e);
    if (IsAlnum(c)) {
      compact.push_back(static_cast<char>(c));
      ++e;
    } else if (c == ' ' && IsAlnum(scan.At(e + 1)) && !compact.empty() && compact.size() % 4 == 0) {
      ++e;
    } else {
      return i;
    }
  }
  if (!scan.WordBoundaryAfter(e)) return i;
  // A complete IBAN shape with a wrong checksum is skipped whole: its groups are not phone numbers.
  if (IsValidIban(compact)) scan.Add(PiiType::kIban, i, e);
  return e;
}

std::size_t DetectNino(Scan& scan, std::size_t i) {
  // "AB123456C" or "AB 12 34 56 C".
  const std::string_view t = scan.text;
  for (std::size_t len : {std::size_t{9}, std::size_t{13}}) {
    if (i + len > t.size() || !scan.WordBoundaryAfter(i + len)) continue;
    const std::string_view s = t.substr(i, len);
    if (len == 13 && (s[2] != ' ' || s[5] != ' ' || s[8] != ' ' || s[11] != ' ')) continue;
    if (!AllUpperOrDigit(len == 9 ? s : std::string(s.substr(0, 2)) + std::string(s.substr(3, 2))))
      continue;
    if (IsValidUkNino(s)) {
      scan.Add(PiiType::kNationalId, i, i + len);
      return i + len;
    }
  }
  return i;
}

bool LooksLikeSecretValue(std::string_view v) {
  if (v.size() < 16) return false;
  bool digit = false, alpha = false;
  for (char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    digit = digit || IsDigit(c);
    alpha = alpha || IsAlpha(c);
    if (!IsAlnum(c) && c != '+' && c != '/' && c != '=' && c != '_' && c != '-' && c != '.' &&
        c != '~')
      return false;
  }
  return digit && alpha;
}

// Words that follow "password" in ordinary sentences ("password: reset", "password is expired").
bool IsPasswordStopWord(std::string_view v) {
  std::string l(v);
  for (char& c : l) c = ToLower(c);
  static constexpr std::string_view kStop[] = {
      "reset",      "expired",    "expire",     "expires",  "changed",    "change",
      "required",   "incorrect",  "wrong",      "invalid",  "forgotten",  "forgot",
      "not",        "the",        "a",          "an",       "still",      "now",
      "being",      "been",       "set",        "locked",   "blocked",    "correct",
      "updated",    "same",       "new",        "old",      "unknown",    "empty",
      "missing",    "abgelaufen", "falsch",     "gesperrt", "nicht",      "expir\xc3\xa9",
      "incorrecte", "caducada",   "incorrecta", "***",      "<redacted>", "[redacted]",
      "n/a",        "none",       "null",       "policy",   "manager",    "protected"};
  for (std::string_view s : kStop)
    if (l == s) return true;
  return false;
}

bool HasDigitOrSymbolOrInnerUpper(std::string_view v) {
  for (std::size_t k = 0; k < v.size(); ++k) {
    const auto c = static_cast<unsigned char>(v[k]);
    if (IsDigit(c) || (!IsAlnum(c) && c < 0x80) || (k > 0 && IsUpper(c))) return true;
  }
  return false;
}

}  // namespace

std::size_t DetectWordSecrets(Scan& scan, std::size_t i, std::size_t word_end) {
  const std::string_view t = scan.text;
  const std::string_view w = t.substr(i, word_end - i);
  const std::size_t n = w.size();
  const auto c0 = static_cast<unsigned char>(w[0]);
  if (n == 2 && IsUpper(c0)) return DetectNino(scan, i);
  if (n < 4) return i;
  if (IsUpper(c0) && n == 20 && AllUpperOrDigit(w)) {
    for (std::string_view p :
         {"AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "APKA"})
      if (StartsWith(w, p)) {
        scan.Add(PiiType::kSecret, i, word_end);
        return word_end;
      }
  }
  if (c0 == 'g') {
    if ((StartsWith(w, "ghp_") || StartsWith(w, "gho_") || StartsWith(w, "ghu_") ||
         StartsWith(w, "ghs_") || StartsWith(w, "ghr_") || StartsWith(w, "github_pat_")) &&
        n >= 40) {
      scan.Add(PiiType::kSecret, i, word_end);
      return word_end;
    }
    if (w == "glpat" && scan.At(word_end) == '-') {
      const std::size_t e = TokenEnd(scan, word_end + 1, kMaxValue);
      if (e - word_end - 1 >= 20) {
        scan.Add(PiiType::kSecret, i, e);
        return e;
      }
    }
  }
  if (c0 == 'x' && n == 4 && StartsWith(w, "xox") && scan.At(word_end) == '-' &&
      std::string_view("abprse").find(w[3]) != std::string_view::npos) {
    const std::size_t e = TokenEnd(scan, word_end, kMaxValue);
    if (e - i >= 15) {
      scan.Add(PiiType::kSecret, i, e);
      return e;
    }
  }
  if (c0 == 'e' && StartsWith(w, "eyJ")) return DetectJwt(scan, i);
  if ((c0 == 's' || c0 == 'r') && n >= 24 &&
      (StartsWith(w, "sk_live_") || StartsWith(w, "rk_live_") || StartsWith(w, "sk_test_"))) {
    scan.Add(PiiType::kSecret, i, word_end);
    return word_end;
  }
  if (c0 == 'A' && StartsWith(w, "AIza")) {  // Google API key: 39 characters of [A-Za-z0-9_-]
    const std::size_t e = TokenEnd(scan, i, 64);
    if (e - i == 39 && scan.WordBoundaryAfter(e)) {
      scan.Add(PiiType::kSecret, i, e);
      return e;
    }
  }
  // IBAN: two letters, two check digits.
  if (IsAlpha(c0) && IsAlpha(static_cast<unsigned char>(w[1])) &&
      IsDigit(static_cast<unsigned char>(w[2])) && IsDigit(static_cast<unsigned char>(w[3]))) {
    if (const std::size_t e = DetectIban(scan, i); e != i) return e;
  }
  if (n == 9 && IsDigit(static_cast<unsigned char>(w[1])) && IsValidSpanishId(w)) {
    scan.Add(PiiType::kNationalId, i, word_end);
    return word_end;
  }
  if (IsUpper(c0) && n == 9 && IsUpper(static_cast<unsigned char>(w[1])) &&
      IsDigit(static_cast<unsigned char>(w[2]))) {
    if (const std::size_t e = DetectNino(scan, i); e != i) return e;
  }
  return i;
}

std::size_t DetectKeywordValue(Scan& scan, std::size_t i, std::size_t word_end, Keyword keyword) {
  std::size_t p = word_end;
  if (keyword == Keyword::kMot) {
    if (!MatchesAt(scan.text, p, " de passe")) return i;
    p += 9;
    keyword = Keyword::kPassword;
  }
  // Closing quote of a JSON or YAML key: "password": "...".
  if (scan.At(p) == '"' || scan.At(p) == '\'') ++p;
  while (IsSpace(scan.At(p))) ++p;
  bool verb = false;
  const unsigned char sep = scan.At(p);
  if (sep == ':' || sep == '=') {
    ++p;
    if (scan.At(p) == '=' || scan.At(p) == '>') ++p;
  } else if (keyword == Keyword::kSecretKey && p > word_end && MatchesAt(scan.text, i, "bearer")) {
    // "Bearer <token>"
  } else {
    bool matched = false;
    for (std::string_view v : {"is ", "ist ", "est ", "es ", "lautet ", "was "}) {
      if (p > word_end && MatchesAt(scan.text, p, v)) {
        p += v.size();
        matched = verb = true;
        break;
      }
    }
    if (!matched) return i;
  }
  while (IsSpace(scan.At(p))) ++p;
  unsigned char quote = 0;
  if (scan.At(p) == '"' || scan.At(p) == '\'' || scan.At(p) == '`') quote = scan.At(p++);
  const std::size_t start = p;
  while (p - start < kMaxValue) {
    const unsigned char c = scan.At(p);
    if (quote != 0 ? (c == quote || c < ' ') : (c <= ' ' || c == 0x7f)) break;
    if (quote == 0 && (c == '"' || c == '\'' || c == ',' || c == ';') &&
        (scan.At(p + 1) <= ' ' || scan.At(p + 1) == '"'))
      break;
    ++p;
  }
  std::size_t end = p;
  // A password after ':' or '=' may end in punctuation; in a sentence ("is ...") it is the
  // sentence's.
  if (quote == 0 && (keyword != Keyword::kPassword || verb)) {
    // '!' and '?' stay: passwords end in them more often than sentences around them do.
    while (end > start) {
      const char c = scan.text[end - 1];
      if (c == '.' || c == ',' || c == ';' || c == ':' || c == ')' || c == ']' || c == '}')
        --end;
      else
        break;
    }
  }
  const std::string_view value = scan.text.substr(start, end - start);
  if (keyword == Keyword::kPassword) {
    // "password = getPassword(conf)" is code, not a password.
    if (value.size() < 3 || IsPasswordStopWord(value) || value.find('(') != std::string_view::npos)
      return i;
    if (verb && !HasDigitOrSymbolOrInnerUpper(value)) return i;
    scan.Add(PiiType::kPassword, start, end);
    return end;
  }
  if (!LooksLikeSecretValue(value)) return i;
  scan.Add(PiiType::kSecret, start, end);
  return end;
}

std::size_t DetectPem(Scan& scan, std::size_t i) {
  const std::string_view t = scan.text;
  const std::size_t label = i + 11;  // after "-----BEGIN "
  const std::size_t label_end = t.substr(label, 64).find("-----");
  if (label_end == std::string_view::npos) return i + 11;
  const std::string_view name = t.substr(label, label_end);
  if (name.size() < 11 || (name.substr(name.size() - 11) != "PRIVATE KEY" &&
                           name.find("PRIVATE KEY") == std::string_view::npos))
    return label + label_end + 5;
  const std::size_t body = label + label_end + 5;
  std::size_t end = std::string_view::npos;
  if (scan.pem_end_missing_from == std::string_view::npos || body < scan.pem_end_missing_from) {
    const std::size_t e = t.find("-----END ", body);
    if (e == std::string_view::npos) {
      scan.pem_end_missing_from = body;
    } else {
      const std::size_t close = t.substr(e + 9, 64).find("-----");
      end = close == std::string_view::npos ? e + 9 : e + 9 + close + 5;
    }
  }
  if (end == std::string_view::npos) {  // unterminated: the base64 lines that follow
    end = body;
    while (end < t.size()) {
      std::size_t q = end;
      while (q < t.size() && t[q] == '\r') ++q;
      if (q < t.size() && t[q] == '\n') ++q;
      const std::size_t line = q;
      while (q < t.size()) {
        const auto c = static_cast<unsigned char>(t[q]);
        if (!IsAlnum(c) && c != '+' && c != '/' && c != '=') break;
        ++q;
      }
      if (q == line || (q < t.size() && t[q] != '\r' && t[q] != '\n')) break;
      end = q;
    }
  }
  scan.Add(PiiType::kSecret, i, end);
  return end;
}

}  // namespace ticketwise::safety::internal
