// Fuzzes the knowledge-base parsers (Markdown, HTML, JSON Lines) with the same bytes, and indexes
// what they accept: any input must give an article or a Status, never a crash; articles must hold
// valid UTF-8 and no more text than came in (plus headings' separators). Violations trap so
// libFuzzer records the input.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "retrieve/index.h"
#include "retrieve/kb_article.h"
#include "text/utf8.h"

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

void CheckArticle(const ticketwise::retrieve::Article& a, std::size_t input_size) {
  using ticketwise::text::IsValidUtf8;
  Check(IsValidUtf8(a.title));
  const std::string body = a.Body();
  Check(IsValidUtf8(body));
  // U+FFFD replacement makes one bad byte three; markup only ever shrinks.
  Check(body.size() <= 3 * input_size + 4 * a.sections.size() + 16);
  (void)ticketwise::retrieve::ResolutionSections(a);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ticketwise::retrieve;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  ticketwise::retrieve::Index index;
  if (auto md = ParseMarkdownArticle("m", input)) {
    CheckArticle(*md, size);
    (void)index.Add(ToDocument(*md));
  }
  if (auto html = ParseHtmlArticle("h", input)) {
    CheckArticle(*html, size);
    (void)index.Add(ToDocument(*html));
  }
  std::istringstream in{std::string(input)};
  if (auto report = ParseKbJsonl(in, "fuzz.jsonl")) {
    for (const Article& a : report->articles) CheckArticle(a, size);
  }
  if (index.size() > 0) {
    auto hits = index.Search(input.substr(0, 200), {});
    Check(hits.has_value());
  }
  return 0;
}
