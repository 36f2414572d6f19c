// Markup stripping: turns what ticketing platforms and mail clients send into the plain text a
// person reads.
//
// Handles HTML (tags removed, block elements become line breaks, entities decoded, <script>/<style>
// dropped), Jira wiki markup (headings, *bold*, _italic_, {code}/{noformat} fences kept as their
// text, {color}/{panel} macros, [text|url] links, tables, lists), and e-mail replies (quoted "> "
// lines, "On ... wrote:" /
// "-----Original Message-----" / "From: ... Sent: ..." headers and everything after them, and
// signatures after a
// "-- " line or a mobile "Sent from my ..." line). Text with none of these comes back unchanged.
// Pure functions, thread-safe. Input must be valid UTF-8; output is valid UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace ticketwise::text {

enum class MarkupKind {
  kAuto,   // detect per input: HTML when it holds tags, Jira wiki when it holds wiki constructs
  kPlain,  // only e-mail quote and signature removal
  kHtml,
  kJiraWiki,
};

std::string StripMarkup(std::string_view text, MarkupKind kind = MarkupKind::kAuto);

}  // namespace ticketwise::text
