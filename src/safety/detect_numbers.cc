// Digit runs: payment cards, US SSNs, phone numbers and IPv4 addresses. A run is read as digit
// groups joined by short separators (" ", "-", ".", "/", parentheses), at most kMaxGroups groups
// and kMaxRunBytes bytes, so the work per start is bounded. Prefixes of the run are tried from the
// longest down, which lets "call 555-123-4567 or 555-987-6543" yield two numbers.
#include <array>
#include <cstdint>
#include <string>

#include "safety/scan_internal.h"
#include "safety/validators.h"

namespace ticketwise::safety::internal {
namespace {

constexpr int kMaxGroups = 12;
constexpr std::size_t kMaxRunBytes = 40;
constexpr std::size_t kMaxGroupDigits = 19;

struct Run {
  int phone_context = -1;  // computed on first use: -1 unknown, 0 no, 1 yes
  std::array<std::size_t, kMaxGroups> start{}, end{};
  std::array<std::string_view, kMaxGroups> sep_before{};    // sep_before[0] is empty
  std::string_view sep_after;                               // after the last group read
  std::array<std::size_t, kMaxGroups + 1> digits_before{};  // digits in groups [0, g)
  std::string digits;                                       // all digits of the run
  int groups = 0;
  bool plus = false;        // "+49 ..."
  bool lead_paren = false;  // "(555) ..."
};

bool IsSepChar(unsigned char c) {
  return c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')';
}

// Separators a human writes between the groups of one number.
bool IsAllowedSep(std::string_view s) {
  static constexpr std::string_view kAllowed[] = {" ",  "-", ".",  "/",   ") ",  ")",
                                                  " (", "(", ")-", " - ", " / ", ")."};
  for (std::string_view a : kAllowed)
    if (s == a) return true;
  return false;
}

// True when one of `words` occurs as a whole word in the 32 bytes before `i`, within the same
// sentence when `same_sentence`.
bool HasContextBefore(const Scan& scan, std::size_t i,
                      std::initializer_list<std::string_view> words, bool same_sentence = false) {
  std::size_t from = i > 48 ? i - 48 : 0;
  if (!same_sentence && i > 32) from = i - 32;
  if (same_sentence)
    for (std::size_t p = i; p > from; --p)
      if (scan.At(p - 1) == '\n' || (scan.At(p - 1) == ' ' && scan.At(p - 2) == '.')) {
        from = p;
        break;
      }
  std::uint32_t first = 0;  // the first bytes of `words`, as bits of (byte & 31)
  for (std::string_view w : words) first |= 1u << (static_cast<unsigned char>(w[0]) & 31);
  for (std::size_t p = from; p < i; ++p) {
    const unsigned char c = scan.At(p);
    if (!(IsAlpha(c) || c == '-') || (first >> (ToLower(static_cast<char>(c)) & 31) & 1u) == 0 ||
        !scan.WordBoundaryBefore(p))
      continue;
    for (std::string_view w : words)
      if (MatchesAt(scan.text, p, w) && !IsAlpha(scan.At(p + w.size()))) return true;
  }
  return false;
}

bool PhoneContext(const Scan& scan, std::size_t i) {
  return HasContextBefore(scan, i,
                          {
                              "tel",
                              "phone",
                              "mobile",
                              "cell",
                              "call",
                              "fax",
                              "handy",
                              "telefon",
                              "telefonnummer",
                              "mobil",
                              "rufnummer",
                              "t\xc3\xa9l",
                              "t\xc3\xa9l\xc3\xa9phone",
                              "portable",
                              "tel\xc3\xa9"
                              "fono",
                              "telefono",
                              "m\xc3\xb3vil",
                              "movil",
                              "whatsapp",
                              "sms",
                              "hotline",
                          });
}

bool SsnContext(const Scan& scan, std::size_t i) {
  return HasContextBefore(scan, i, {"ssn", "social security", "ss#", "ss #", "ssn#"});
}

// Four-part version numbers look like IPv4 addresses: "jackson-databind 2.9.10.3",
// "snappy-java:jar:1.1.8.2", "HDP-2.6.5.165-3". They follow a version word or a '-' / ':', are
// or are followed by '-' or '+'.
bool LooksLikeVersion(const Scan& scan, std::size_t begin, std::size_t end) {
  const unsigned char before = begin > 0 ? scan.At(begin - 1) : 0;
  const unsigned char after = scan.At(end);
  if (before == '-' || before == ':' || before == '_') return true;
  if (after == '-' || after == '+' || after == '_') return true;
  // "VM 17.0.1.0 (build ...)", "jackson < 2.9.10.4".
  if (MatchesAt(scan.text, end, " (build")) return true;
  const unsigned char cmp = begin > 1 && before == ' ' ? scan.At(begin - 2) : before;
  if (cmp == '<' || cmp == '>' || cmp == '=') return true;
  return HasContextBefore(scan, begin,
                          {"version", "versions", "upgrade", "upgraded", "update", "updated",
                           "bump", "jar", "release", "jdk", "jre", "java", "runtime", "edition",
                           "patched", "databind", "sdk", "-->", "dependency"},
                          /*same_sentence=*/true);
}

bool AllSeps(const Run& r, int k, std::string_view sep) {
  for (int g = 1; g < k; ++g)
    if (r.sep_before[g] != sep) return false;
  return true;
}

std::size_t Len(const Run& r, int g) { return r.end[g] - r.start[g]; }

bool IsPhone(const Scan& scan, Run& r, int k, std::string_view digits) {
  const std::size_t nd = digits.size();
  const std::string_view t = scan.text;
  if (r.plus) return nd >= 8 && nd <= 15 && digits[0] != '0';
  if (r.lead_paren) {
    if (k < 2) return false;
    return (nd == 10 && Len(r, 0) == 3) || (digits[0] == '0' && nd >= 9 && nd <= 12);
  }
  // International prefix written as 00: "0049 30 1234567".
  if (k >= 2 && t.substr(r.start[0], 2) == "00" && digits[2] != '0' && Len(r, 0) >= 3 &&
      Len(r, 0) <= 5 && digits[Len(r, 0)] != '0' && nd >= 10 && nd <= 15)
    return true;
  // North American 3-3-4, optionally with a leading 1.
  const int off = (k == 4 && Len(r, 0) == 1 && digits[0] == '1') ? 1 : 0;
  if (k - off == 3 && Len(r, off) == 3 && Len(r, off + 1) == 3 && Len(r, off + 2) == 4 &&
      digits[off] >= '2') {
    const std::string_view s = r.sep_before[off + 1];
    if ((s == "-" || s == "." || s == " ") && r.sep_before[off + 2] == s) return true;
  }
  // National numbers with a trunk 0 written in groups of one separator kind: "030 1234567",
  // "0171/1234567", "06 12 34 56 78", "06.12.34.56.78". Dashes between two-digit groups are
  // timestamps ("08-31-11-16-56"), not phone numbers.
  if (k >= 2 && digits[0] == '0' && digits[1] != '0' && nd >= 9 && nd <= 12) {
    const std::string_view sep = r.sep_before[1];
    bool groups_ok = AllSeps(r, k, sep) && (sep == " " || sep == "/" || sep == "-" || sep == ".");
    bool long_group = false;
    for (int g = 0; g < k; ++g) {
      groups_ok = groups_ok && Len(r, g) >= 2;
      long_group = long_group || Len(r, g) >= 3;
    }
    if (sep == "-" && (!long_group || k > 3)) groups_ok = false;
    if (sep == "." && long_group && k > 2) groups_ok = false;
    if (groups_ok) return true;
  }
  // Anything else of phone length needs a word such as "phone" or "Tel." just before it, and must
  // not be an ISO date or a timestamp.
  if (k >= 3 && Len(r, 0) == 4 && (digits.starts_with("19") || digits.starts_with("20")))
    return false;
  for (int g = 1; g < k; ++g)
    if (r.sep_before[g] == "/" && Len(r, g) <= 2) return false;
  // Dates: 05.10.2023, 2023.10.05, 05-10-2023.
  if (k == 3 && ((Len(r, 0) == 2 && Len(r, 1) == 2 && Len(r, 2) == 4) ||
                 (Len(r, 0) == 4 && Len(r, 1) == 2 && Len(r, 2) == 2)))
    return false;
  if (nd < 8 || nd > 15) return false;
  if (r.phone_context < 0) r.phone_context = PhoneContext(scan, r.start[0]) ? 1 : 0;
  return r.phone_context == 1;
}

bool IsCardShape(const Run& r, int k) {
  if (k == 1) return true;
  const std::string_view s = r.sep_before[1];
  if ((s != " " && s != "-") || !AllSeps(r, k, s) || Len(r, 0) != 4) return false;
  for (int g = 1; g < k; ++g)
    if (Len(r, g) < 3 || Len(r, g) > 6) return false;
  return true;
}

// Returns the end of the number text[r.start[0] .. group k-1] when it is PII; 0 otherwise.
std::size_t Classify(Scan& scan, Run& r, int k, std::size_t begin) {
  const std::string_view t = scan.text;
  const std::size_t end = r.end[k - 1];
  if (r.end[k - 1] - r.start[0] < 7 && k != 4) return 0;  // too short for anything but IPv4
  const std::string_view digits = std::string_view(r.digits).substr(0, r.digits_before[k]);
  const std::size_t nd = digits.size();
  const bool plain = !r.plus && !r.lead_paren;
  const std::string_view next_sep = k < r.groups ? r.sep_before[k] : r.sep_after;

  // 0.x.y.z is a version number, not an address (0.0.0.0 aside).
  const bool zero_net = digits[0] == '0' && Len(r, 0) == 1 && nd != 4;
  if (plain && k == 4 && !zero_net && AllSeps(r, k, ".") && next_sep != "." &&
      !LooksLikeVersion(scan, begin, end) && !(begin > 0 && t[begin - 1] == '.') &&
      IsValidIpv4(t.substr(begin, end - begin))) {
    scan.Add(PiiType::kIpv4, begin, end);
    return end;
  }
  if (plain && nd == 9 && IsValidSsn(digits)) {
    const bool dashed = k == 3 && Len(r, 0) == 3 && Len(r, 1) == 2 && AllSeps(r, k, "-");
    const bool spaced = k == 3 && Len(r, 0) == 3 && Len(r, 1) == 2 && AllSeps(r, k, " ");
    if (dashed || ((spaced || k == 1) && SsnContext(scan, begin))) {
      scan.Add(PiiType::kSsn, begin, end);
      return end;
    }
  }
  if (plain && nd >= 13 && nd <= 19 && IsCardShape(r, k) && IsValidLuhnCard(digits) &&
      HasKnownCardIssuer(digits)) {
    scan.Add(PiiType::kCard, begin, end);
    return end;
  }
  if (nd >= 7 && IsPhone(scan, r, k, digits)) {
    scan.Add(PiiType::kPhone, begin, end);
    return end;
  }
  return 0;
}

}  // namespace

std::size_t DetectNumber(Scan& scan, std::size_t i) {
  // The tail of a longer number ("2022-04-12", seen from "04") is no number of its own.
  if (i >= 2 && (scan.At(i - 1) == '-' || scan.At(i - 1) == '.' || scan.At(i - 1) == '/') &&
      IsDigit(scan.At(i - 2)))
    return i;
  Run r;
  std::size_t q = i;
  if (scan.At(q) == '+') {
    r.plus = true;
    ++q;
    if (scan.At(q) == ' ') ++q;
  }
  if (scan.At(q) == '(') {
    r.lead_paren = !r.plus;
    ++q;
  }
  if (!IsDigit(scan.At(q))) return i;
  while (r.groups < kMaxGroups) {
    const std::size_t gs = q;
    while (IsDigit(scan.At(q)) && q - gs <= kMaxGroupDigits) ++q;
    if (q - gs > kMaxGroupDigits) {  // a long digit string is no identifier: skip all of it
      while (IsDigit(scan.At(q))) ++q;
      return q;
    }
    r.start[r.groups] = gs;
    r.end[r.groups] = q;
    r.digits.append(scan.text.substr(gs, q - gs));
    ++r.groups;
    r.digits_before[r.groups] = r.digits.size();
    const std::size_t ss = q;
    while (q - ss < 3 && IsSepChar(scan.At(q))) ++q;
    const std::string_view sep = scan.text.substr(ss, q - ss);
    if (q - i > kMaxRunBytes || !IsDigit(scan.At(q)) || !IsAllowedSep(sep)) {
      r.sep_after = sep;
      break;
    }
    if (r.groups < kMaxGroups) r.sep_before[r.groups] = sep;
  }
  // A run that runs into a word ("0111/56598489-3de3-...", a UUID or a hash) is an identifier.
  const std::size_t begin = i;
  if (!scan.WordBoundaryAfter(r.end[r.groups - 1]) ||
      ((r.sep_after == "-" || r.sep_after == "/") && IsAlnum(scan.At(r.end[r.groups - 1] + 1))))
    return r.end[r.groups - 1];
  for (int k = r.groups; k >= 1; --k) {
    if (const std::size_t end = Classify(scan, r, k, begin); end != 0) return end;
  }
  return r.end[0];
}

}  // namespace ticketwise::safety::internal
