#include "retrieve/kb_article.h"

#include <algorithm>
#include <cctype>
#include <fstream>

#include "ingest/jsonl_reader.h"
#include "retrieve/analyzer.h"
#include "retrieve/stemmer.h"

namespace ticketwise::retrieve {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

const std::string* StringMember(const ingest::JsonlRecord& r, std::string_view name) {
  auto it = r.members.find(name);
  if (it == r.members.end() || it->second.kind != ingest::JsonKind::kString) return nullptr;
  return &it->second.text;
}

}  // namespace

std::string Article::Body() const {
  std::string body;
  for (const Section& s : sections) {
    if (!body.empty()) body += "\n\n";
    if (!s.heading.empty()) body += s.heading + "\n";
    body += s.text;
  }
  return body;
}

Result<KbFormat> KbFormatFromPath(std::string_view path) {
  const std::size_t dot = path.rfind('.');
  const std::string ext = dot == std::string_view::npos ? "" : Lower(path.substr(dot + 1));
  if (ext == "jsonl" || ext == "ndjson" || ext == "json") return KbFormat::kJsonl;
  if (ext == "md" || ext == "markdown") return KbFormat::kMarkdown;
  if (ext == "html" || ext == "htm") return KbFormat::kHtml;
  return Fail(Status::InvalidArgument(std::string(path) +
                                      ": unknown article format (use .jsonl, .md or .html)"));
}

Result<KbParseReport> ParseKbJsonl(std::istream& in, std::string_view name) {
  KbParseReport report;
  ingest::JsonlOptions jo;
  jo.max_line_bytes = kMaxArticleBytes + 4096;
  ingest::JsonlReader reader(in, jo);
  ingest::JsonlRecord record;
  while (true) {
    auto more = reader.Next(&record);
    if (!more) {
      // The reader's message starts "line N: "; say "name:N: skipped: ..." like other reports.
      std::string why = more.error().message();
      if (const std::size_t colon = why.find(": ");
          why.starts_with("line ") && colon != std::string::npos)
        why = why.substr(colon + 2);
      report.problems.push_back(std::string(name) + ":" + std::to_string(record.line) +
                                ": skipped: " + why);
      continue;
    }
    if (!*more) break;
    auto problem = [&](const std::string& why) {
      report.problems.push_back(std::string(name) + ":" + std::to_string(record.line) +
                                ": skipped: " + why);
    };
    const std::string* id = StringMember(record, "id");
    if (!id || id->empty()) {
      problem("no string 'id'");
      continue;
    }
    const std::string* md = StringMember(record, "body_md");
    const std::string* body = md ? md : StringMember(record, "body");
    if (!body) {
      problem("article '" + *id + "' has no string 'body_md' or 'body'");
      continue;
    }
    auto article = md ? ParseMarkdownArticle(*id, *body)
                      : (body->find('<') != std::string::npos ? ParseHtmlArticle(*id, *body)
                                                              : ParseMarkdownArticle(*id, *body));
    if (!article) {
      problem(article.error().message());
      continue;
    }
    if (const std::string* title = StringMember(record, "title"); title && !title->empty())
      article->title = *title;
    if (const std::string* link = StringMember(record, "link")) article->link = *link;
    if (const std::string* url = StringMember(record, "url"); url && article->link.empty())
      article->link = *url;
    report.articles.push_back(std::move(*article));
  }
  if (in.bad()) return Fail(Status::IoError(std::string(name) + ": read failed"));
  return report;
}

Result<KbParseReport> ImportKbFile(const std::string& path) {
  auto format = KbFormatFromPath(path);
  if (!format) return Fail(format.error());
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(Status::NotFound(path + ": cannot open"));
  if (*format == KbFormat::kJsonl) return ParseKbJsonl(in, path);
  std::string content;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    content.append(buf, static_cast<std::size_t>(in.gcount()));
    if (content.size() > kMaxArticleBytes) break;
  }
  if (in.bad()) return Fail(Status::IoError(path + ": read failed"));
  KbParseReport report;
  auto article = *format == KbFormat::kMarkdown ? ParseMarkdownArticle(path, content)
                                                : ParseHtmlArticle(path, content);
  if (article) {
    report.articles.push_back(std::move(*article));
  } else {
    report.problems.push_back(path + ": skipped: " + article.error().message());
  }
  return report;
}

std::vector<const Section*> ResolutionSections(const Article& article) {
  // Whole words of the heading, stemmed, so "Resolving" counts and "because" is not "cause".
  static const std::string kFix[] = {Stem("resolution"), Stem("resolve"), Stem("solution"),
                                     Stem("workaround"), Stem("fix"),     Stem("workarounds")};
  static const std::string kCause = Stem("cause");
  std::vector<const Section*> fixes, causes;
  for (const Section& s : article.sections) {
    bool fix = false, cause = false;
    for (const std::string& term : Analyze(s.heading)) {
      fix = fix || std::find(std::begin(kFix), std::end(kFix), term) != std::end(kFix);
      cause = cause || term == kCause;
    }
    if (fix) {
      fixes.push_back(&s);
    } else if (cause) {
      causes.push_back(&s);
    }
  }
  fixes.insert(fixes.end(), causes.begin(), causes.end());
  return fixes;
}

std::string ResolutionText(const Article& article) {
  std::string steps;
  for (const Section* s : ResolutionSections(article)) {
    if (!steps.empty()) steps += "\n\n";
    if (!s->heading.empty()) steps += s->heading + "\n";
    steps += s->text;
  }
  return steps;
}

Document ToDocument(const Article& article) {
  return {article.id, article.title, article.Body(), DocKind::kArticle};
}

}  // namespace ticketwise::retrieve
