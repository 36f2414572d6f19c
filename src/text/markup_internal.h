// Pieces of StripMarkup (markup.h), one per kind of markup, shared between markup*.cc files and
// tests of the module's internals. Pure functions, thread-safe. Inputs are valid UTF-8; outputs are
// valid UTF-8.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ticketwise::text::markup_internal {

// True when `text` holds at least one real HTML tag, comment or doctype, not merely a '<' or
// "<name>".
bool LooksLikeHtml(std::string_view text);

// True when `text` holds a construct only Jira wiki markup produces ({code}, {noformat},
// {color:..}, "h1. " at a line start, "||" table headers, [text|http...] links, [~user] mentions).
bool LooksLikeJiraWiki(std::string_view text);

// HTML to the text a browser would show, with block elements as line breaks.
std::string HtmlToText(std::string_view html);

// Jira wiki markup to plain text; {code} and {noformat} bodies are kept verbatim.
std::string WikiToText(std::string_view wiki);

// Removes quoted reply lines, reply headers with everything after them, and signatures. Returns
// `text` unchanged when it has none of them.
std::string StripEmail(std::string_view text);

// ASCII case-insensitive comparison of `s` at `pos` with `lower` (which must be lower case).
bool MatchesAt(std::string_view s, std::size_t pos, std::string_view lower);

// ASCII letter or digit, or any non-ASCII byte (so letters of every script count as word
// characters).
inline bool IsWordByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z');
}

inline bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

}  // namespace ticketwise::text::markup_internal
