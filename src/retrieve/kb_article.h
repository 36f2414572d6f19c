// Knowledge-base articles: parsing them from JSON Lines (one article per line, as exported from a
// documentation repository: id, title, body_md, optional link/url), Markdown files and HTML pages,
// splitting them into sections by heading, and finding the sections that hold resolution steps
// ("Resolution", "Workaround", "Solution", "Fix", then "Cause").
//
// Parsers accept any bytes: invalid UTF-8 is repaired (U+FFFD), broken markup degrades to text,
// and what cannot become an article (empty, over kMaxArticleBytes, no text left) is a Status, never
// a crash. Pure functions over their inputs; thread-safe. Articles are plain values.
#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "retrieve/document.h"
#include "ticketwise/status.h"

namespace ticketwise::retrieve {

inline constexpr std::size_t kMaxArticleBytes = 4u << 20;

struct Section {
  std::string heading;  // plain text; empty for text before the first heading
  std::string text;     // plain text, paragraphs separated by blank lines
};

struct Article {
  std::string id;
  std::string title;
  std::string link;  // where the agent can read the article; may be empty
  std::vector<Section> sections;

  // All section text, headings included, for indexing.
  std::string Body() const;
};

enum class KbFormat { kJsonl, kMarkdown, kHtml };

// .jsonl/.ndjson/.json -> kJsonl; .md/.markdown -> kMarkdown; .html/.htm -> kHtml.
Result<KbFormat> KbFormatFromPath(std::string_view path);

// One article from Markdown: optional YAML front matter (its `title:` is used), `#` headings start
// sections (the first level-1 heading is the title when there is none yet), links and images keep
// their text, emphasis, quote and alert markers ("> [!NOTE]") and inline HTML are dropped.
Result<Article> ParseMarkdownArticle(std::string_view id, std::string_view markdown);

// One article from HTML: <title> or the first <h1> is the title, <h1>..<h6> start sections, the
// rest goes through text::StripMarkup.
Result<Article> ParseHtmlArticle(std::string_view id, std::string_view html);

struct KbParseReport {
  std::vector<Article> articles;
  std::vector<std::string> problems;  // "kb.jsonl:12: skipped: ...", one per refused article
};

// Articles from JSON Lines. Each object needs a string `id` and `body_md` (Markdown) or `body`
// (plain or HTML); `title`, `link` or `url` are used when present. A line that is not such an
// object is a problem in the report, not an error; an unreadable stream is.
Result<KbParseReport> ParseKbJsonl(std::istream& in, std::string_view name);

// Reads `path` by its extension. A Markdown or HTML file is one article whose id is the path.
Result<KbParseReport> ImportKbFile(const std::string& path);

// The sections that tell how to fix the problem: Resolution / Solution / Fix / Workaround sections
// in article order, then Cause sections. Empty when the article has none.
std::vector<const Section*> ResolutionSections(const Article& article);
// Those sections as one text, each under its heading, separated by blank lines.
std::string ResolutionText(const Article& article);

// The article as an index Document (kind kArticle, body = Body()).
Document ToDocument(const Article& article);

}  // namespace ticketwise::retrieve
