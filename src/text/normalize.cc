#include "text/normalize.h"

#include <utf8proc.h>

#include <array>
#include <cstdint>
#include <vector>

#include "text/utf8.h"
#include "text/utf8_internal.h"

namespace ticketwise::text {
namespace {

// NFKC with full case folding. STABLE keeps the result independent of the Unicode version's new
// compositions.
constexpr auto kOptions = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT |
                                                         UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);

// On ASCII, NFKC is the identity and case folding is A-Z -> a-z, so one table lookup per byte gives
// the same result as utf8proc; control characters other than tab and newline map to space here too.
constexpr std::array<char, 128> MakeAsciiMap() {
  std::array<char, 128> map{};
  for (int c = 0; c < 128; ++c) {
    char mapped = static_cast<char>(c);
    if (c >= 'A' && c <= 'Z') mapped = static_cast<char>(c - 'A' + 'a');
    if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) mapped = ' ';
    map[c] = mapped;
  }
  return map;
}
constexpr std::array<char, 128> kAsciiMap = MakeAsciiMap();

bool IsControlToBlank(utf8proc_int32_t cp) {
  return (cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7F && cp <= 0x9F);
}

void AppendAscii(const unsigned char* s, std::size_t n, std::string* out) {
  const std::size_t old = out->size();
  out->resize(old + n);
  char* d = out->data() + old;
  for (std::size_t i = 0; i < n; ++i) d[i] = kAsciiMap[s[i]];
}

// Normalizes one segment that holds non-ASCII text through utf8proc. `buffer` is scratch space kept
// across segments so a ticket costs at most a few allocations however many accented words it has.
void AppendSegment(std::string_view segment, std::vector<utf8proc_int32_t>* buffer,
                   std::string* out) {
  std::string repaired;
  if (!IsValidUtf8(segment)) {
    repaired = SanitizeUtf8(segment);
    segment = repaired;
  }
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(segment.data());
  const auto len = static_cast<utf8proc_ssize_t>(segment.size());
  if (buffer->size() < segment.size()) buffer->resize(segment.size() + 16);
  utf8proc_ssize_t n = utf8proc_decompose(bytes, len, buffer->data(),
                                          static_cast<utf8proc_ssize_t>(buffer->size()), kOptions);
  if (n > static_cast<utf8proc_ssize_t>(buffer->size())) {
    buffer->resize(static_cast<std::size_t>(n));
    n = utf8proc_decompose(bytes, len, buffer->data(), n, kOptions);
  }
  if (n < 0) {
    // Cannot happen for valid UTF-8 (the only failures are invalid input and sizes beyond ssize_t);
    // keeping the text beats dropping it.
    out->append(segment);
    return;
  }
  // Controls neither compose nor decompose, so blanking them between the two steps is safe.
  for (utf8proc_ssize_t i = 0; i < n; ++i) {
    if (IsControlToBlank((*buffer)[i])) (*buffer)[i] = ' ';
  }
  n = utf8proc_normalize_utf32(buffer->data(), n, kOptions);
  for (utf8proc_ssize_t i = 0; i < n; ++i) AppendUtf8(static_cast<char32_t>((*buffer)[i]), out);
}

// Handles text from the first non-ASCII byte on. Segments are a non-ASCII run plus the ASCII
// character before it: that character may compose with combining marks that follow it ("e" + U+0301
// -> "é"), while no ASCII character composes with what precedes it or reorders with anything, so
// the ASCII between segments can keep the fast table.
void NormalizeMixed(std::string_view text, std::size_t pos, std::string* out) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::vector<utf8proc_int32_t> buffer;
  while (pos < n) {
    std::size_t k = pos;
    if (s[k] < 0x80) ++k;
    while (k < n && s[k] >= 0x80) ++k;
    AppendSegment(text.substr(pos, k - pos), &buffer, out);
    std::size_t m = k;
    while (m < n && s[m] < 0x80) ++m;
    if (m == n) {
      AppendAscii(s + k, n - k, out);
      return;
    }
    AppendAscii(s + k, m - 1 - k, out);
    pos = m - 1;
  }
}

}  // namespace

void NormalizeInto(std::string_view text, std::string* out) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  out->resize(n);
  char* d = out->data();
  std::size_t i = 0;
  for (; i < n; ++i) {
    const unsigned char c = s[i];
    if (c >= 0x80) break;
    d[i] = kAsciiMap[c];
  }
  if (i == n) return;
  const std::size_t start = i > 0 ? i - 1 : 0;
  out->resize(start);
  NormalizeMixed(text, start, out);
}

}  // namespace ticketwise::text
