// A small deterministic language identifier for the four languages the outbound policy knows:
// English, German, French and Spanish. It counts the most frequent function words of each
// language, plus letters only one of them uses (ß, ñ, ç...), and answers kUnknown when the text
// gives too little evidence. Same input, same answer; no model file. Pure functions, thread-safe.
#pragma once

#include <string_view>

namespace ticketwise::safety {

enum class Language { kUnknown, kEnglish, kGerman, kFrench, kSpanish };

// "en", "de", "fr", "es"; "und" for kUnknown.
std::string_view LanguageCode(Language language);
// The inverse of LanguageCode (case-insensitive); kUnknown for anything else.
Language LanguageFromCode(std::string_view code);

// The language of `text`, or kUnknown when fewer than two function words point to one language
// or two languages tie.
Language IdentifyLanguage(std::string_view text);

}  // namespace ticketwise::safety
