// Atlassian Document Format (ADF) to plain text.
//
// Jira Cloud's REST v3 and newer webhooks carry descriptions and comments as ADF documents
// ({"type":"doc","version":1,"content":[...]}) instead of wiki-markup strings. This turns one into
// the text a person reads: paragraphs, headings, list items, quotes, code blocks and table rows
// on their own lines, hard breaks as line breaks, mentions, emoji, dates, status lozenges and
// links as their visible text; media (images, attachments) are dropped. Unknown node types
// contribute the text of their children, so documents from newer editors still read.
// Nesting deeper than kMaxAdfDepth is cut off there. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ticketwise/status.h"

namespace ticketwise::connect {

inline constexpr std::size_t kMaxAdfDepth = 64;

// Parses `json` (an ADF document or any ADF node) and returns its plain text, trimmed, with runs
// of blank lines collapsed to one. InvalidArgument when `json` is not JSON or not an ADF node
// (an object with a string "type").
Result<std::string> AdfToText(std::string_view json);

}  // namespace ticketwise::connect
