#include "text/tokenize.h"

#include <utf8proc.h>

#include <array>
#include <cstdint>

namespace ticketwise::text {
namespace {

// What a character does to token boundaries.
enum class CharKind : std::uint8_t {
  kSeparator,  // ends a token and starts none
  kWord,       // letter or digit: part of a word
  kMark,       // combining mark: continues the word or ideograph before it, starts nothing
  kConnector,  // . - _ / \ : @ join words into a compound when a word character follows
  kSingle,     // letter of a script written without spaces: a token on its own
};

constexpr std::array<CharKind, 128> MakeAsciiKinds() {
  std::array<CharKind, 128> kinds{};
  for (int c = 0; c < 128; ++c) {
    CharKind kind = CharKind::kSeparator;
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
      kind = CharKind::kWord;
    if (c == '.' || c == '-' || c == '_' || c == '/' || c == '\\' || c == ':' || c == '@') {
      kind = CharKind::kConnector;
    }
    kinds[c] = kind;
  }
  return kinds;
}
constexpr std::array<CharKind, 128> kAsciiKinds = MakeAsciiKinds();

bool IsUnspacedScript(utf8proc_int32_t cp) {
  return (cp >= 0x0E00 && cp <= 0x0E7F) ||  // Thai
         (cp >= 0x2E80 && cp <= 0x2FDF) ||  // CJK and Kangxi radicals
         (cp >= 0x3005 && cp <= 0x3007) ||  // iteration mark, closing mark, ideographic zero
         (cp >= 0x3021 && cp <= 0x3029) ||  // Hangzhou numerals
         (cp >= 0x3038 && cp <= 0x303C) ||  // more Hangzhou numerals, masu mark
         (cp >= 0x3040 && cp <= 0x30FF) ||  // Hiragana, Katakana
         (cp >= 0x31F0 && cp <= 0x31FF) ||  // Katakana phonetic extensions
         (cp >= 0x3400 && cp <= 0x4DBF) ||  // CJK extension A
         (cp >= 0x4E00 && cp <= 0x9FFF) ||  // CJK unified ideographs
         (cp >= 0xF900 && cp <= 0xFAFF) ||  // CJK compatibility ideographs
         (cp >= 0xFF66 &&
          cp <= 0xFF9F) ||  // halfwidth Katakana (NFKC maps them, raw input may not)
         (cp >= 0x20000 && cp <= 0x3134F);  // CJK extensions B-G and compatibility supplement
}

struct CharInfo {
  CharKind kind;
  std::size_t length;  // bytes
};

// Kept out of line so the ASCII path of Classify inlines into the scanning loops.
[[gnu::noinline]] CharInfo ClassifyNonAscii(std::string_view s, std::size_t i) {
  utf8proc_int32_t cp = 0;
  const utf8proc_ssize_t len =
      utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data()) + i,
                       static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
  // A stray byte is a separator of one byte, so tokens stay whole sequences even on unnormalized
  // input.
  if (len <= 0) return {CharKind::kSeparator, 1};
  const auto length = static_cast<std::size_t>(len);
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return {IsUnspacedScript(cp) ? CharKind::kSingle : CharKind::kWord, length};
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
      return {CharKind::kMark, length};
    default:
      return {CharKind::kSeparator, length};
  }
}

inline CharInfo Classify(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return {kAsciiKinds[c], 1};
  return ClassifyNonAscii(s, i);
}

// End of the word (letters, digits and their marks) that starts at `i`.
std::size_t WordEnd(std::string_view s, std::size_t i) {
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (kAsciiKinds[c] != CharKind::kWord) break;
      ++i;
      continue;
    }
    const CharInfo info = Classify(s, i);
    if (info.kind != CharKind::kWord && info.kind != CharKind::kMark) break;
    i += info.length;
  }
  return i;
}

struct ConnectorRun {
  std::size_t end;   // first byte after the run
  std::size_t root;  // first '/' or '\\' in the run, or npos
};

ConnectorRun ScanConnectors(std::string_view s, std::size_t i) {
  ConnectorRun run{i, std::string_view::npos};
  while (run.end < s.size()) {
    const CharInfo info = Classify(s, run.end);
    if (info.kind != CharKind::kConnector) break;
    const char c = s[run.end];
    if (run.root == std::string_view::npos && (c == '/' || c == '\\')) run.root = run.end;
    run.end += info.length;
  }
  return run;
}

bool StartsWord(std::string_view s, std::size_t i) {
  return i < s.size() && Classify(s, i).kind == CharKind::kWord;
}

// Emits the compound that starts at `start` (its first word starts at `word`) and its parts;
// returns its end.
std::size_t EmitCompound(std::string_view s, std::size_t start, std::size_t word,
                         std::vector<std::string_view>* tokens) {
  // The whole token goes first but its extent is known last: hold its slot and fill it in at the
  // end.
  const std::size_t slot = tokens->size();
  tokens->emplace_back();
  std::size_t parts = 0;
  std::size_t end = word;
  while (true) {
    end = WordEnd(s, word);
    tokens->push_back(s.substr(word, end - word));
    ++parts;
    const std::size_t next = ScanConnectors(s, end).end;
    if (!StartsWord(s, next)) break;
    word = next;
  }
  if (parts == 1) tokens->pop_back();
  (*tokens)[slot] = s.substr(start, end - start);
  return end;
}

}  // namespace

void Tokenize(std::string_view normalized, std::vector<std::string_view>* tokens) {
  tokens->clear();
  const std::string_view s = normalized;
  std::size_t i = 0;
  while (i < s.size()) {
    const CharInfo info = Classify(s, i);
    switch (info.kind) {
      case CharKind::kWord:
        i = EmitCompound(s, i, i, tokens);
        break;
      case CharKind::kSingle: {
        std::size_t end = i + info.length;
        while (end < s.size()) {
          const CharInfo next = Classify(s, end);
          if (next.kind != CharKind::kMark) break;
          end += next.length;
        }
        tokens->push_back(s.substr(i, end - i));
        i = end;
        break;
      }
      case CharKind::kConnector: {
        // Only path roots lead a token ("/var/log", UNC "\\server\share"); a leading '.', '-' or
        // '_' is punctuation. The whole run is consumed at once so long runs of punctuation stay
        // linear.
        const ConnectorRun run = ScanConnectors(s, i);
        if (run.root != std::string_view::npos && StartsWord(s, run.end)) {
          i = EmitCompound(s, run.root, run.end, tokens);
        } else {
          i = run.end;
        }
        break;
      }
      case CharKind::kMark:
      case CharKind::kSeparator:
        i += info.length;
        break;
    }
  }
}

}  // namespace ticketwise::text
