#include "text/utf8.h"

#include <cstdint>
#include <cstring>

#include "text/utf8_internal.h"

namespace ticketwise::text {

std::size_t DecodeUtf8(std::string_view s, std::size_t i, char32_t* code_point) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
  const std::size_t left = s.size() - i;
  const unsigned char b0 = p[0];
  if (b0 < 0x80) {
    *code_point = b0;
    return 1;
  }
  // Bounds for the second byte come from Unicode Table 3-7: they are what excludes overlong forms
  // (E0, F0), surrogates (ED) and code points above U+10FFFF (F4) without decoding first.
  std::size_t need = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  char32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (left < 2 || p[1] < lo || p[1] > hi) return 0;
  cp = (cp << 6) | (p[1] & 0x3F);
  for (std::size_t k = 2; k <= need; ++k) {
    if (left <= k || (p[k] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[k] & 0x3F);
  }
  *code_point = cp;
  return need + 1;
}

std::size_t InvalidUtf8Length(std::string_view s, std::size_t i) {
  // The maximal subpart of an ill-formed sequence (Unicode 3.9, "U+FFFD substitution of maximal
  // subparts"): the longest prefix that could still have begun a valid sequence, and at least one
  // byte. Replacing that span matches what browsers and ICU do, so the same bytes yield the same
  // number of U+FFFD everywhere.
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
  const std::size_t left = s.size() - i;
  const unsigned char b0 = p[0];
  std::size_t need = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 1;
  }
  if (left < 2 || p[1] < lo || p[1] > hi) return 1;
  std::size_t n = 2;
  while (n <= need && n < left && (p[n] & 0xC0) == 0x80) ++n;
  return n;
}

namespace {

// Eight bytes at a time while the input is ASCII: most ticket text is, and this keeps validation
// off the profile.
std::size_t SkipAscii(std::string_view s, std::size_t i) {
  while (i + 8 <= s.size()) {
    std::uint64_t word;
    std::memcpy(&word, s.data() + i, sizeof(word));
    if ((word & 0x8080808080808080ULL) != 0) break;
    i += 8;
  }
  while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
  return i;
}

}  // namespace

std::size_t FindInvalidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (true) {
    i = SkipAscii(s, i);
    if (i >= s.size()) return std::string_view::npos;
    char32_t cp;
    const std::size_t len = DecodeUtf8(s, i, &cp);
    if (len == 0) return i;
    i += len;
  }
}

std::string SanitizeUtf8(std::string_view s) {
  std::size_t bad = FindInvalidUtf8(s);
  if (bad == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  std::size_t i = 0;
  while (bad != std::string_view::npos) {
    out.append(s.substr(i, bad - i));
    out.append(kReplacementUtf8);
    i = bad + InvalidUtf8Length(s, bad);
    const std::size_t next = FindInvalidUtf8(s.substr(i));
    bad = next == std::string_view::npos ? next : i + next;
  }
  out.append(s.substr(i));
  return out;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace ticketwise::text
