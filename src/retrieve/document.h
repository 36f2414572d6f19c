// What the retrieval index holds: a document with a title and a body, and the kind of source it
// came from. Knowledge-base articles (kb_article.h) and tickets become Documents before indexing.
// Plain values, safe to copy between threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ticketwise::retrieve {

enum class DocKind : std::uint8_t {
  kArticle,         // a knowledge-base article
  kResolvedTicket,  // a closed ticket with its resolution: a source of suggestions
  kOpenTicket,      // a ticket still being worked on: a candidate duplicate
  kOther,           // anything else (offline evaluation rows)
};

// Stable lower-case name: "article", "resolved_ticket", "open_ticket", "other".
std::string_view DocKindName(DocKind kind);

struct Document {
  std::string id;     // unique within one Index; at most kMaxIdBytes bytes, not empty
  std::string title;  // weighted above the body in ranking (IndexOptions::title_weight)
  std::string body;   // plain text: markup already stripped
  DocKind kind = DocKind::kOther;
};

inline constexpr std::size_t kMaxIdBytes = 512;
// Title plus body; larger documents are refused (kResourceExhausted) rather than truncated
// silently.
inline constexpr std::size_t kMaxDocumentBytes = 4u << 20;

}  // namespace ticketwise::retrieve
