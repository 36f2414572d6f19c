#include "safety/langid.h"

#include <array>
#include <string>

#include "safety/scan_internal.h"

namespace ticketwise::safety {
namespace {

using internal::ToLower;

constexpr std::array<std::string_view, 5> kCodes = {"und", "en", "de", "fr", "es"};

// The most frequent function words of each language that the other three rarely use.
constexpr std::string_view kEnglish[] = {
    "the",  "and", "is",  "are", "you",   "your",  "we",   "have",   "this",  "that",
    "with", "for", "not", "it",  "can",   "will",  "our",  "please", "thank", "be",
    "of",   "to",  "was", "has", "would", "could", "been", "issue",  "hello", "hi"};
constexpr std::string_view kGerman[] = {
    "der", "die",  "das", "und",        "ist",   "nicht", "sie",    "ich",  "wir",   "mit",
    "ein", "eine", "auf", "f\xc3\xbcr", "bitte", "ihr",   "ihre",   "wird", "haben", "sind",
    "zu",  "den",  "dem", "auch",       "noch",  "kann",  "vielen", "dank", "hallo", "sehr"};
constexpr std::string_view kFrench[] = {
    "le",   "la",    "les",   "est", "et",  "vous",  "nous", "pour", "pas",   "une",
    "des",  "du",    "dans",  "que", "qui", "votre", "avec", "sur",  "merci", "bonjour",
    "sont", "avons", "cette", "ce",  "au",  "aux",   "je",   "ne",   "il",    "mais"};
constexpr std::string_view kSpanish[] = {
    "el",         "los",         "las",     "es",      "y",   "usted", "su",      "para",
    "por",        "una",         "del",     "que",     "con", "no",    "se",      "lo",
    "como",       "est\xc3\xa1", "gracias", "hola",    "muy", "sus",   "nuestro", "pero",
    "m\xc3\xa1s", "tiene",       "puede",   "estamos", "al",  "ya"};

template <std::size_t N>
bool InList(const std::string_view (&list)[N], std::string_view w) {
  for (std::string_view s : list)
    if (s == w) return true;
  return false;
}

}  // namespace

std::string_view LanguageCode(Language language) {
  return kCodes[static_cast<std::size_t>(language)];
}

Language LanguageFromCode(std::string_view code) {
  std::string c(code.substr(0, 8));
  for (char& ch : c) ch = ToLower(ch);
  for (std::size_t i = 1; i < kCodes.size(); ++i)
    if (c == kCodes[i]) return static_cast<Language>(i);
  return Language::kUnknown;
}

Language IdentifyLanguage(std::string_view text) {
  std::array<int, 5> score{};
  std::string word;
  auto flush = [&] {
    if (word.empty() || word.size() > 12) {
      word.clear();
      return;
    }
    if (InList(kEnglish, word)) ++score[1];
    if (InList(kGerman, word)) ++score[2];
    if (InList(kFrench, word)) ++score[3];
    if (InList(kSpanish, word)) ++score[4];
    word.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (internal::IsAlpha(c) || c >= 0x80) {
      word.push_back(ToLower(static_cast<char>(c)));
      // Letters that only one of the four languages writes.
      if (c == 0xC3 && i + 1 < text.size()) {
        const auto d = static_cast<unsigned char>(text[i + 1]);
        if (d == 0x9F) score[2] += 2;                            // ß
        if (d == 0xB1 || d == 0x91) score[4] += 2;               // ñ Ñ
        if (d == 0xA7 || d == 0xA8 || d == 0xAA) score[3] += 2;  // ç è ê
      }
      if (c == 0xC2 && i + 1 < text.size() &&
          (static_cast<unsigned char>(text[i + 1]) == 0xBF ||
           static_cast<unsigned char>(text[i + 1]) == 0xA1))
        score[4] += 2;  // ¿ ¡
    } else {
      flush();
    }
  }
  flush();
  int best = 0, second = 0;
  std::size_t best_i = 0;
  for (std::size_t i = 1; i < score.size(); ++i) {
    if (score[i] > best) {
      second = best;
      best = score[i];
      best_i = i;
    } else if (score[i] > second) {
      second = score[i];
    }
  }
  if (best < 2 || best == second) return Language::kUnknown;
  return static_cast<Language>(best_i);
}

}  // namespace ticketwise::safety
