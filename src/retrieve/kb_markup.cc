// Markdown and HTML articles -> sections of plain text.
#include <algorithm>
#include <cctype>

#include "retrieve/kb_article.h"
#include "text/markup.h"
#include "text/utf8.h"

namespace ticketwise::retrieve {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Inline Markdown -> text: [text](url) and ![alt](url) keep their text, `code`, **, __ and inline
// HTML tags go, &nbsp; becomes a space.
std::string InlineText(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  for (std::size_t i = 0; i < line.size();) {
    const char c = line[i];
    if (c == '!' && i + 1 < line.size() && line[i + 1] == '[') {
      ++i;
      continue;
    }
    if (c == '[') {
      const std::size_t close = line.find(']', i + 1);
      if (close != std::string_view::npos && close + 1 < line.size() && line[close + 1] == '(') {
        // The URL may hold parentheses of its own: "(…(v=exchg.141))".
        std::size_t paren = close + 2;
        for (int depth = 1; paren < line.size(); ++paren) {
          if (line[paren] == '(') ++depth;
          if (line[paren] == ')' && --depth == 0) break;
        }
        if (paren < line.size()) {
          out += line.substr(i + 1, close - i - 1);
          i = paren + 1;
          continue;
        }
      }
    }
    if (c == '<') {
      const std::size_t close = line.find('>', i + 1);
      if (close != std::string_view::npos && close - i < 200 && i + 1 < line.size() &&
          (std::isalpha(static_cast<unsigned char>(line[i + 1])) || line[i + 1] == '/')) {
        out += ' ';
        i = close + 1;
        continue;
      }
    }
    if (c == '&' && line.substr(i, 6) == "&nbsp;") {
      out += ' ';
      i += 6;
      continue;
    }
    if (c == '`' || ((c == '*' || c == '_') && i + 1 < line.size() && line[i + 1] == c)) {
      i += c == '`' ? 1 : 2;
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

void AppendLine(Section* s, std::string_view line) {
  if (line.empty()) {
    if (!s->text.empty() && !s->text.ends_with("\n\n")) s->text += '\n';
    return;
  }
  if (!s->text.empty() && !s->text.ends_with('\n')) s->text += '\n';
  s->text += line;
}

Article Finish(std::string_view id, Article a) {
  a.id = std::string(id);
  for (Section& s : a.sections) {
    while (!s.text.empty() && (s.text.back() == '\n' || s.text.back() == ' ')) s.text.pop_back();
  }
  std::erase_if(a.sections, [](const Section& s) { return s.heading.empty() && s.text.empty(); });
  if (a.title.empty() && !a.sections.empty()) a.title = a.sections.front().heading;
  return a;
}

Status CheckInput(std::string_view id, std::string_view content) {
  if (content.size() > kMaxArticleBytes)
    return Status::ResourceExhausted("article '" + std::string(id) + "' is larger than " +
                                     std::to_string(kMaxArticleBytes >> 20) + " MiB");
  if (Trim(content).empty())
    return Status::InvalidArgument("article '" + std::string(id) + "' is empty");
  return Status::Ok();
}

Status CheckArticle(const Article& a) {
  for (const Section& s : a.sections)
    if (!Trim(s.text).empty() || !Trim(s.heading).empty()) return Status::Ok();
  return Status::InvalidArgument("article '" + a.id + "' has no text");
}

}  // namespace

Result<Article> ParseMarkdownArticle(std::string_view id, std::string_view markdown) {
  if (Status s = CheckInput(id, markdown); !s.ok()) return Fail(s);
  const std::string clean = text::SanitizeUtf8(markdown);
  std::string_view rest = clean;
  Article a;
  a.sections.emplace_back();
  auto next_line = [&rest]() {
    const std::size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    return line;
  };
  // YAML front matter.
  if (Trim(rest.substr(0, rest.find('\n'))) == "---") {
    next_line();
    while (!rest.empty()) {
      std::string_view line = Trim(next_line());
      if (line == "---") break;
      if (line.starts_with("title:")) {
        std::string_view t = Trim(line.substr(6));
        if (t.size() >= 2 && (t.front() == '"' || t.front() == '\'') && t.back() == t.front())
          t = t.substr(1, t.size() - 2);
        a.title = InlineText(t);
      }
    }
  }
  bool in_fence = false;
  while (!rest.empty()) {
    std::string_view line = next_line();
    std::string_view t = Trim(line);
    if (t.starts_with("```") || t.starts_with("~~~")) {
      in_fence = !in_fence;
      continue;
    }
    if (!in_fence && t.starts_with('#')) {
      std::size_t level = 0;
      while (level < t.size() && t[level] == '#') ++level;
      if (level <= 6 && (level == t.size() || t[level] == ' ')) {
        std::string heading(Trim(InlineText(Trim(t.substr(level)))));
        while (!heading.empty() && heading.back() == '#') heading.pop_back();
        heading = std::string(Trim(heading));
        if (level == 1 && a.title.empty()) {
          a.title = heading;
        } else {
          a.sections.push_back({heading, ""});
        }
        continue;
      }
    }
    if (!in_fence) {
      while (t.starts_with('>')) t = Trim(t.substr(1));
      if (t.starts_with("[!") && t.ends_with(']')) continue;  // > [!NOTE] alert marker
    }
    AppendLine(&a.sections.back(), in_fence ? line : std::string_view(InlineText(t)));
  }
  a = Finish(id, std::move(a));
  if (Status s = CheckArticle(a); !s.ok()) return Fail(s);
  return a;
}

Result<Article> ParseHtmlArticle(std::string_view id, std::string_view html) {
  if (Status s = CheckInput(id, html); !s.ok()) return Fail(s);
  const std::string clean = text::SanitizeUtf8(html);
  std::string lower(clean);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto strip = [](std::string_view part) {
    return std::string(Trim(text::StripMarkup(part, text::MarkupKind::kHtml)));
  };
  Article a;
  if (std::size_t t = lower.find("<title"); t != std::string::npos) {
    const std::size_t open_end = lower.find('>', t);
    const std::size_t close = lower.find("</title", t);
    if (open_end != std::string::npos && close != std::string::npos && close > open_end)
      a.title = strip(std::string_view(clean).substr(open_end + 1, close - open_end - 1));
  }
  // Section boundaries: every <hN ...> ... </hN>.
  std::size_t pos = 0;
  if (std::size_t body = lower.find("<body"); body != std::string::npos) pos = body;
  a.sections.emplace_back();
  std::size_t text_start = pos;
  while (true) {
    std::size_t h = lower.find("<h", pos);
    while (h != std::string::npos &&
           !(h + 2 < lower.size() && lower[h + 2] >= '1' && lower[h + 2] <= '6' &&
             (h + 3 >= lower.size() || lower[h + 3] == '>' || lower[h + 3] == ' '))) {
      h = lower.find("<h", h + 2);
    }
    const std::string_view before = std::string_view(clean).substr(
        text_start, (h == std::string::npos ? clean.size() : h) - text_start);
    AppendLine(&a.sections.back(), strip(before));
    if (h == std::string::npos) break;
    const char level = lower[h + 2];
    const std::size_t open_end = lower.find('>', h);
    if (open_end == std::string::npos) break;
    const std::string close_tag = std::string("</h") + level;
    std::size_t close = lower.find(close_tag, open_end);
    if (close == std::string::npos) close = std::min(lower.size(), lower.find('<', open_end + 1));
    std::string heading = strip(std::string_view(clean).substr(open_end + 1, close - open_end - 1));
    if (level == '1' && a.title.empty()) {
      a.title = heading;
    } else {
      a.sections.push_back({std::move(heading), ""});
    }
    const std::size_t close_end = lower.find('>', close);
    text_start = pos = close_end == std::string::npos ? lower.size() : close_end + 1;
  }
  a = Finish(id, std::move(a));
  if (Status s = CheckArticle(a); !s.ok()) return Fail(s);
  return a;
}

}  // namespace ticketwise::retrieve
