#include "safety/validators.h"

#include <array>
#include <cstdint>
#include <string>

#include "safety/scan_internal.h"

namespace ticketwise::safety {
namespace {

using internal::IsAlpha;
using internal::IsDigit;
using internal::IsHex;
using internal::ToUpper;

struct IbanCountry {
  char code[3];
  int length;
};

// ISO 13616 registry lengths (SWIFT IBAN registry), the countries and territories in use.
constexpr IbanCountry kIbanCountries[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22},
    {"BH", 22}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22},
    {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FO", 18}, {"FR", 27},
    {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28},
    {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20},
    {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MD", 24},
    {"ME", 22}, {"MK", 19}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NL", 18}, {"NO", 15}, {"PK", 24},
    {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"SA", 24}, {"SC", 31},
    {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24},
    {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20},
};

std::string DigitsOf(std::string_view s) {
  std::string d;
  for (char c : s)
    if (IsDigit(static_cast<unsigned char>(c))) d.push_back(c);
  return d;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

int PrefixNumber(std::string_view digits, std::size_t n) {
  int v = 0;
  for (std::size_t i = 0; i < n && i < digits.size(); ++i) v = v * 10 + (digits[i] - '0');
  return v;
}

// Parses a run of at most four hex digits; returns the count parsed.
std::size_t HexGroup(std::string_view s, std::size_t i) {
  std::size_t n = 0;
  while (i + n < s.size() && n < 5 && IsHex(static_cast<unsigned char>(s[i + n]))) ++n;
  return n;
}

}  // namespace

int IbanLength(char a, char b) {
  for (const IbanCountry& c : kIbanCountries)
    if (c.code[0] == a && c.code[1] == b) return c.length;
  return 0;
}

bool IsValidLuhnCard(std::string_view s) {
  const std::string d = DigitsOf(s);
  if (d.size() < 13 || d.size() > 19) return false;
  int sum = 0;
  bool twice = false;
  for (std::size_t i = d.size(); i-- > 0;) {
    int v = d[i] - '0';
    if (twice) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
    sum += v;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool HasKnownCardIssuer(std::string_view digits) {
  const std::size_t n = digits.size();
  const int p2 = PrefixNumber(digits, 2), p3 = PrefixNumber(digits, 3),
            p4 = PrefixNumber(digits, 4), p6 = PrefixNumber(digits, 6);
  if (digits.empty()) return false;
  if (digits[0] == '4') return n == 13 || n == 16 || n == 19;                        // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n == 16;          // Mastercard
  if (p2 == 34 || p2 == 37) return n == 15;                                          // Amex
  if (p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649)) return n >= 16;            // Discover
  if (p4 >= 3528 && p4 <= 3589) return n >= 16;                                      // JCB
  if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39) return n >= 14;  // Diners
  if (p2 == 62) return n >= 16;                                                      // UnionPay
  if (p2 == 50 || (p2 >= 56 && p2 <= 69) || (p6 >= 222100 && p6 <= 272099))
    return n >= 12;  // Maestro and the rest of the 5/6 ranges
  return false;
}

bool IsValidIban(std::string_view s) {
  std::string c;
  for (char ch : s) {
    if (ch == ' ') continue;
    const auto u = static_cast<unsigned char>(ch);
    if (!IsDigit(u) && !IsAlpha(u)) return false;
    c.push_back(ToUpper(ch));
  }
  if (c.size() < 15 || c.size() > 34) return false;
  if (!IsAlpha(c[0]) || !IsAlpha(c[1]) || !IsDigit(c[2]) || !IsDigit(c[3])) return false;
  if (IbanLength(c[0], c[1]) != static_cast<int>(c.size())) return false;
  // Move the first four characters to the end, letters count as 10..35, remainder mod 97.
  std::uint32_t r = 0;
  for (std::size_t k = 0; k < c.size(); ++k) {
    const char ch = c[(k + 4) % c.size()];
    if (IsDigit(static_cast<unsigned char>(ch))) {
      r = (r * 10 + static_cast<std::uint32_t>(ch - '0')) % 97;
    } else {
      r = (r * 100 + static_cast<std::uint32_t>(ch - 'A' + 10)) % 97;
    }
  }
  return r == 1;
}

bool IsValidSsn(std::string_view s) {
  const std::string d = DigitsOf(s);
  if (d.size() != 9) return false;
  const int area = PrefixNumber(d, 3), group = PrefixNumber(d.substr(3), 2),
            serial = PrefixNumber(d.substr(5), 4);
  return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
}

bool IsValidSpanishId(std::string_view s) {
  static constexpr char kLetters[] = "TRWAGMYFPDXBNJZSQVHLCKE";
  if (s.size() != 9) return false;
  std::uint32_t number = 0;
  std::size_t i = 0;
  const char first = ToUpper(s[0]);
  if (first == 'X' || first == 'Y' || first == 'Z') {
    number = static_cast<std::uint32_t>(first - 'X');
    i = 1;
  }
  for (; i < 8; ++i) {
    if (!IsDigit(static_cast<unsigned char>(s[i]))) return false;
    number = number * 10 + static_cast<std::uint32_t>(s[i] - '0');
  }
  return ToUpper(s[8]) == kLetters[number % 23];
}

bool IsValidUkNino(std::string_view s) {
  std::string c;
  for (char ch : s)
    if (ch != ' ') c.push_back(ToUpper(ch));
  if (c.size() != 9) return false;
  const auto a = static_cast<unsigned char>(c[0]), b = static_cast<unsigned char>(c[1]);
  if (!IsAlpha(a) || !IsAlpha(b)) return false;
  for (int i = 2; i < 8; ++i)
    if (!IsDigit(static_cast<unsigned char>(c[i]))) return false;
  if (c[8] < 'A' || c[8] > 'D') return false;
  const std::string_view bad_any = "DFIQUV";
  if (bad_any.find(c[0]) != std::string_view::npos || bad_any.find(c[1]) != std::string_view::npos)
    return false;
  if (c[1] == 'O') return false;
  const std::string_view prefix(c.data(), 2);
  for (std::string_view p : {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"})
    if (prefix == p) return false;
  return true;
}

bool IsValidIpv4(std::string_view s) {
  int parts = 0;
  std::size_t i = 0;
  while (true) {
    std::size_t n = 0;
    int v = 0;
    while (i + n < s.size() && n < 4 && IsDigit(static_cast<unsigned char>(s[i + n]))) {
      v = v * 10 + (s[i + n] - '0');
      ++n;
    }
    if (n == 0 || n > 3 || v > 255 || (n > 1 && s[i] == '0')) return false;
    i += n;
    if (++parts == 4) return i == s.size();
    if (i >= s.size() || s[i] != '.') return false;
    ++i;
  }
}

bool IsValidIpv6(std::string_view s) {
  if (s.size() < 2 || s.size() > 45) return false;
  int groups = 0;
  bool compressed = false;
  std::size_t i = 0;
  if (StartsWith(s, "::")) {
    compressed = true;
    i = 2;
    if (i == s.size()) return true;
  } else if (s[0] == ':') {
    return false;
  }
  while (i < s.size()) {
    const std::size_t n = HexGroup(s, i);
    if (n == 0 || n > 4) return false;
    // A trailing dotted quad counts as two groups.
    if (i + n < s.size() && s[i + n] == '.') {
      if (!IsValidIpv4(s.substr(i))) return false;
      groups += 2;
      i = s.size();
      break;
    }
    ++groups;
    i += n;
    if (i == s.size()) break;
    if (s[i] != ':') return false;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (compressed) return false;
      compressed = true;
      ++i;
      if (i == s.size()) break;
    } else if (i == s.size()) {
      return false;  // a single trailing colon
    }
  }
  return compressed ? groups <= 7 : groups == 8;
}

bool IsValidMac(std::string_view s) {
  if (s.size() == 14) {  // 0011.2233.4455
    for (std::size_t i = 0; i < 14; ++i) {
      const bool dot = i == 4 || i == 9;
      if (dot != (s[i] == '.')) return false;
      if (!dot && !IsHex(static_cast<unsigned char>(s[i]))) return false;
    }
    return true;
  }
  if (s.size() != 17) return false;
  const char sep = s[2];
  if (sep != ':' && sep != '-') return false;
  for (std::size_t i = 0; i < 17; ++i) {
    if (i % 3 == 2) {
      if (s[i] != sep) return false;
    } else if (!IsHex(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace ticketwise::safety
