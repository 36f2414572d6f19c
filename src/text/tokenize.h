// Tokenizer for IT service-desk text. Pure function, thread-safe, no allocation beyond the output
// vector.
//
// Input is normalized text (see normalize.h). Word characters are letters and digits of any script.
// Tokens that matter in IT text are kept whole: error codes (0x80070005), KB numbers (kb4023057),
// versions (10.0.19045, v2.3.1), hostnames and FQDNs (srv-db01.corp.example.com), IPv4 addresses,
// e-mail addresses, Windows and Unix paths (c:\windows\system32, /var/log/syslog), identifiers with
// '_' or '-'. Such a compound token is emitted whole and then, when it has more than one
// alphanumeric part, followed by its parts ("outlook.exe" -> "outlook.exe", "outlook", "exe").
// Punctuation inside a token only counts when a word character follows it, so a sentence's final
// period is not part of the last word. Scripts written without spaces (Han, Hiragana, Katakana,
// Thai) yield one token per code point; word bigrams then capture their words.
#pragma once

#include <string_view>
#include <vector>

namespace ticketwise::text {

// Appends the tokens of `normalized` to `*tokens` (it is cleared first). The views point into
// `normalized`.
void Tokenize(std::string_view normalized, std::vector<std::string_view>* tokens);

}  // namespace ticketwise::text
