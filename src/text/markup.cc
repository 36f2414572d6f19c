#include "text/markup.h"

#include <array>

#include "text/markup_internal.h"

namespace ticketwise::text {
namespace markup_internal {

bool MatchesAt(std::string_view s, std::size_t pos, std::string_view lower) {
  if (pos > s.size() || s.size() - pos < lower.size()) return false;
  for (std::size_t i = 0; i < lower.size(); ++i) {
    char c = s[pos + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

namespace {

// Elements common enough in ticket and mail HTML that "<name ...>" is almost surely a tag. A bare
// "<user>" or "a<b" in plain text is not evidence; a closing tag "</anything>" is.
constexpr std::array<std::string_view, 38> kTellTaleTags = {
    "p",      "br",   "div", "span",  "a",   "b",          "i",    "u",     "em",    "strong",
    "li",     "ul",   "ol",  "table", "tr",  "td",         "th",   "tbody", "thead", "h1",
    "h2",     "h3",   "h4",  "h5",    "h6",  "html",       "body", "head",  "meta",  "style",
    "script", "font", "img", "hr",    "pre", "blockquote", "o:p",  "center"};

// Longer "<...>" spans are prose, and the bound keeps detection linear.
constexpr std::size_t kMaxTagLength = 1024;

bool IsTagNameChar(char c) { return IsWordByte(c) && static_cast<unsigned char>(c) < 0x80; }

bool TagEndsAt(std::string_view s, std::size_t i) {
  return i >= s.size() || s[i] == '>' || s[i] == '/' || s[i] == ' ' || s[i] == '\t' ||
         s[i] == '\n' || s[i] == '\r';
}

bool IsLineStart(std::string_view s, std::size_t i) {
  while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t')) --i;
  return i == 0 || s[i - 1] == '\n';
}

}  // namespace

bool LooksLikeHtml(std::string_view text) {
  // Both only move forward as `i` does, which keeps the scan linear on inputs full of unclosed '<'.
  std::size_t close = 0;
  std::size_t newline = 0;
  for (std::size_t i = text.find('<'); i != std::string_view::npos; i = text.find('<', i + 1)) {
    if (MatchesAt(text, i, "<!--") || MatchesAt(text, i, "<!doctype")) return true;
    if (i + 1 < text.size() && text[i + 1] == '/') {
      std::size_t k = i + 2;
      while (k < text.size() && (IsTagNameChar(text[k]) || text[k] == ':')) ++k;
      if (k > i + 2 && k < text.size() && text[k] == '>') return true;
      continue;
    }
    for (std::string_view tag : kTellTaleTags) {
      const std::size_t k = i + 1 + tag.size();
      if (!MatchesAt(text, i + 1, tag) || !TagEndsAt(text, k) || k >= text.size()) continue;
      if (text[k] == '>' || MatchesAt(text, k, "/>")) return true;
      // "<b and c>" in "if a <b and c>d" reads as a comparison, "<a href=...>" as a tag: attributes
      // in real markup carry '='. The closing '>' must be on the same line and near.
      if (close != std::string_view::npos && close <= i) close = text.find('>', i);
      if (newline != std::string_view::npos && newline <= i) newline = text.find('\n', i);
      if (close == std::string_view::npos || close > newline || close - i > kMaxTagLength) continue;
      const std::string_view attributes = text.substr(k, close - k);
      if (attributes.find('=') != std::string_view::npos ||
          attributes.find_first_not_of(" \t\r/") == std::string_view::npos) {
        return true;
      }
    }
  }
  return false;
}

bool LooksLikeJiraWiki(std::string_view text) {
  for (std::string_view macro : {"{code}", "{code:", "{noformat}", "{noformat:", "{quote}",
                                 "{panel}", "{panel:", "{color:"}) {
    if (text.find(macro) != std::string_view::npos) return true;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == 'h' && i + 3 < text.size() && text[i + 1] >= '1' && text[i + 1] <= '6' &&
        text[i + 2] == '.' && text[i + 3] == ' ' && IsLineStart(text, i)) {
      return true;
    }
    if (c == 'b' && MatchesAt(text, i, "bq. ") && IsLineStart(text, i)) return true;
    if (c == '|' && i + 1 < text.size() && text[i + 1] == '|' && IsLineStart(text, i)) return true;
    if (c == '[') {
      const std::size_t close = text.find_first_of("]\n[", i + 1);
      if (close == std::string_view::npos || text[close] != ']') continue;
      const std::string_view inner = text.substr(i + 1, close - i - 1);
      if (inner.size() > 1 && inner[0] == '~' && inner.find(' ') == std::string_view::npos)
        return true;
      const std::size_t bar = inner.find('|');
      if (bar != std::string_view::npos &&
          (MatchesAt(inner, bar + 1, "http://") || MatchesAt(inner, bar + 1, "https://") ||
           MatchesAt(inner, bar + 1, "mailto:"))) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace markup_internal

std::string StripMarkup(std::string_view text, MarkupKind kind) {
  using markup_internal::HtmlToText;
  using markup_internal::StripEmail;
  using markup_internal::WikiToText;
  if (kind == MarkupKind::kAuto) {
    if (markup_internal::LooksLikeHtml(text)) {
      kind = MarkupKind::kHtml;
    } else if (markup_internal::LooksLikeJiraWiki(text)) {
      kind = MarkupKind::kJiraWiki;
    } else {
      kind = MarkupKind::kPlain;
    }
  }
  switch (kind) {
    case MarkupKind::kHtml:
      // A field declared HTML that holds neither a tag nor an entity is plain text; running it
      // through the HTML path would only fold its line breaks away.
      if (text.find_first_of("<&") == std::string_view::npos) return StripEmail(text);
      // Reply headers only become lines once the tags are gone, so mail is stripped after
      // conversion.
      return StripEmail(HtmlToText(text));
    case MarkupKind::kJiraWiki:
      // Mail first: its "-----Original Message-----" and "--" lines would otherwise read as wiki
      // strikethrough.
      return WikiToText(StripEmail(text));
    case MarkupKind::kAuto:
    case MarkupKind::kPlain:
      break;
  }
  return StripEmail(text);
}

}  // namespace ticketwise::text
