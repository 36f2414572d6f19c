// HtmlToText: a single forward pass over the HTML that keeps text, turns block elements into line
// breaks and collapses whitespace the way a browser renders it. It does not build a tree: mail and
// ticket HTML is too often malformed for a strict parser, and a text view needs no structure beyond
// line breaks.
#include <algorithm>
#include <array>
#include <cstdint>

#include "text/markup_internal.h"
#include "text/utf8_internal.h"

namespace ticketwise::text::markup_internal {
namespace {

struct NamedEntity {
  std::string_view name;
  std::string_view text;
};

// The entities mail clients and ticket editors actually emit; anything else stays as written.
constexpr std::array<NamedEntity, 47> kEntities = {{
    {"amp", "&"},         {"lt", "<"},          {"gt", ">"},          {"quot", "\""},
    {"apos", "'"},        {"nbsp", " "},        {"ensp", " "},        {"emsp", " "},
    {"thinsp", " "},      {"shy", ""},          {"zwnj", ""},         {"zwj", ""},
    {"lrm", ""},          {"rlm", ""},          {"copy", "\u00A9"},   {"reg", "\u00AE"},
    {"trade", "\u2122"},  {"hellip", "\u2026"}, {"mdash", "\u2014"},  {"ndash", "\u2013"},
    {"lsquo", "\u2018"},  {"rsquo", "\u2019"},  {"sbquo", "\u201A"},  {"ldquo", "\u201C"},
    {"rdquo", "\u201D"},  {"bdquo", "\u201E"},  {"laquo", "\u00AB"},  {"raquo", "\u00BB"},
    {"bull", "\u2022"},   {"middot", "\u00B7"}, {"euro", "\u20AC"},   {"pound", "\u00A3"},
    {"sect", "\u00A7"},   {"deg", "\u00B0"},    {"plusmn", "\u00B1"}, {"times", "\u00D7"},
    {"auml", "\u00E4"},   {"ouml", "\u00F6"},   {"uuml", "\u00FC"},   {"Auml", "\u00C4"},
    {"Ouml", "\u00D6"},   {"Uuml", "\u00DC"},   {"szlig", "\u00DF"},  {"eacute", "\u00E9"},
    {"egrave", "\u00E8"}, {"agrave", "\u00E0"}, {"ccedil", "\u00E7"},
}};

// HTML5 reads numeric references 0x80-0x9F as Windows-1252, which is what Outlook means by &#146;.
constexpr std::array<char16_t, 32> kWindows1252 = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) {
  return IsAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Decodes the character reference at s[i] (which is '&') into `*out`; returns the bytes consumed,
// or 0 when there is no reference there.
std::size_t DecodeEntity(std::string_view s, std::size_t i, std::string* out) {
  std::size_t k = i + 1;
  if (k < s.size() && s[k] == '#') {
    ++k;
    const bool hex = k < s.size() && (s[k] == 'x' || s[k] == 'X');
    if (hex) ++k;
    const std::size_t digits_begin = k;
    std::uint32_t value = 0;
    while (k < s.size() && (hex ? IsHexDigit(s[k]) : IsAsciiDigit(s[k]))) {
      const char c = s[k];
      const std::uint32_t digit = IsAsciiDigit(c)
                                      ? static_cast<std::uint32_t>(c - '0')
                                      : static_cast<std::uint32_t>((c | 0x20) - 'a' + 10);
      // Saturate instead of overflowing; anything this large becomes U+FFFD below.
      value = value > 0x10FFFF ? value : value * (hex ? 16 : 10) + digit;
      ++k;
    }
    if (k == digits_begin) return 0;
    if (k < s.size() && s[k] == ';') ++k;
    char32_t cp = value;
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp >= 0x80 && cp <= 0x9F) cp = kWindows1252[cp - 0x80];
    AppendUtf8(cp, out);
    return k - i;
  }
  while (k < s.size() && k - i <= 8 && IsAsciiAlpha(s[k])) ++k;
  if (k >= s.size() || s[k] != ';') return 0;
  const std::string_view name = s.substr(i + 1, k - i - 1);
  for (const NamedEntity& entity : kEntities) {
    if (entity.name == name) {
      out->append(entity.text);
      return k + 1 - i;
    }
  }
  return 0;
}

// Elements that start and end a line of their own.
constexpr std::array<std::string_view, 44> kBlockTags = {
    "address", "article", "aside", "blockquote", "body",    "caption",  "center",     "dd",
    "details", "dir",     "div",   "dl",         "dt",      "fieldset", "figcaption", "figure",
    "footer",  "form",    "h1",    "h2",         "h3",      "h4",       "h5",         "h6",
    "header",  "hr",      "html",  "legend",     "li",      "main",     "menu",       "nav",
    "ol",      "p",       "pre",   "section",    "summary", "table",    "tbody",      "tfoot",
    "thead",   "tr",      "ul",    "title"};

// A '<' whose quote-aware tag end lies further than this is not waiting for an attribute value to
// close.
constexpr std::size_t kMaxTagLength = 1024;

// Elements whose content is not text a reader sees.
constexpr std::array<std::string_view, 4> kHiddenTags = {"script", "style", "head", "title"};

class HtmlConverter {
 public:
  explicit HtmlConverter(std::string_view html) : html_(html) { out_.reserve(html.size()); }

  std::string Run() {
    std::size_t i = 0;
    while (i < html_.size()) {
      const char c = html_[i];
      if (c == '<') {
        i = Tag(i);
      } else if (c == '&') {
        std::string decoded;
        const std::size_t used = DecodeEntity(html_, i, &decoded);
        if (used == 0) {
          Text('&');
          ++i;
        } else {
          for (char d : decoded) Text(d);
          i += used;
        }
      } else {
        Text(c);
        ++i;
      }
    }
    return std::move(out_);
  }

 private:
  void Text(char c) {
    if (pre_depth_ == 0 && IsBlank(c)) {
      pending_space_ = true;
      return;
    }
    Flush();
    out_.push_back(c);
  }

  // Writes the line breaks or space owed before the next visible character; none at the very start.
  void Flush() {
    if (out_.empty()) {
      pending_breaks_ = 0;
      pending_space_ = false;
      return;
    }
    if (pending_breaks_ > 0) {
      int have = 0;
      for (auto it = out_.rbegin(); it != out_.rend() && *it == '\n' && have < 2; ++it) ++have;
      for (int k = have; k < pending_breaks_; ++k) out_.push_back('\n');
    } else if (pending_space_ && out_.back() != '\n' && out_.back() != ' ') {
      out_.push_back(' ');
    }
    pending_breaks_ = 0;
    pending_space_ = false;
  }

  void Break(int count) { pending_breaks_ = std::min(2, std::max(pending_breaks_, count)); }

  // Handles the markup at html_[i] == '<' and returns where text resumes.
  std::size_t Tag(std::size_t i) {
    if (MatchesAt(html_, i, "<!--")) return SkipPast(i + 4, "-->");
    if (MatchesAt(html_, i, "<!") || MatchesAt(html_, i, "<?")) return SkipPast(i + 2, ">");
    const bool closing = i + 1 < html_.size() && html_[i + 1] == '/';
    std::size_t k = i + (closing ? 2 : 1);
    const std::size_t name_begin = k;
    while (k < html_.size() && (IsWordByte(html_[k]) || html_[k] == ':' || html_[k] == '-') &&
           static_cast<unsigned char>(html_[k]) < 0x80) {
      ++k;
    }
    // "a < b", "<user@example.com>" and "<3" are text, not tags.
    if (k == name_begin || !IsAsciiAlpha(html_[name_begin]) ||
        (k < html_.size() && !IsBlank(html_[k]) && html_[k] != '>' && html_[k] != '/')) {
      Text('<');
      return i + 1;
    }
    const std::size_t end = TagEnd(k);
    if (end == std::string_view::npos) {
      Text('<');
      return i + 1;
    }
    std::string name(html_.substr(name_begin, k - name_begin));
    for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    const bool self_closing = end >= 2 && html_[end - 2] == '/';
    if (!closing && !self_closing &&
        std::find(kHiddenTags.begin(), kHiddenTags.end(), name) != kHiddenTags.end()) {
      const std::size_t after = SkipHidden(end, name);
      if (after != std::string_view::npos) return after;
    }
    if (name == "br") {
      pending_breaks_ = std::min(2, pending_breaks_ + 1);
      // A <br> ends a line even after visible text that has been written already.
      if (!out_.empty() && pending_breaks_ == 1 && out_.back() == '\n') pending_breaks_ = 2;
    } else if (name == "td" || name == "th") {
      pending_space_ = true;
    } else if (std::find(kBlockTags.begin(), kBlockTags.end(), name) != kBlockTags.end()) {
      Break(name == "p" || name[0] == 'h' ? 2 : 1);
      if (name == "pre") pre_depth_ = closing ? std::max(0, pre_depth_ - 1) : pre_depth_ + 1;
    }
    return end;
  }

  // Index just past the '>' that closes a tag whose name ends at `k`; quoted attribute values may
  // hold '>'.
  std::size_t TagEnd(std::size_t k) {
    // Without any '>' ahead there is no tag, and no point in a quote-aware scan.
    if (NextGreater(k) == std::string_view::npos) return std::string_view::npos;
    char quote = 0;
    const std::size_t limit = std::min(html_.size(), k + kMaxTagLength);
    for (std::size_t j = k; j < limit; ++j) {
      const char c = html_[j];
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        return j + 1;
      }
    }
    // An unbalanced quote: fall back to the first '>' rather than swallowing the rest of the
    // document.
    const std::size_t gt = NextGreater(k);
    return gt == std::string_view::npos ? gt : gt + 1;
  }

  // First '>' at or after `k`. Remembers its last answer: `k` only grows, so input full of unclosed
  // '<' is searched once rather than once per '<'.
  std::size_t NextGreater(std::size_t k) {
    if (gt_from_ == kUnknown || k < gt_from_ || (gt_at_ != std::string_view::npos && gt_at_ < k)) {
      gt_at_ = html_.find('>', k);
    }
    gt_from_ = k;
    return gt_at_;
  }

  std::size_t SkipPast(std::size_t from, std::string_view terminator) const {
    const std::size_t at = html_.find(terminator, from);
    return at == std::string_view::npos ? html_.size() : at + terminator.size();
  }

  // Skips the content of a hidden element opened just before `from`. Script and style hide the rest
  // of an unterminated document as browsers do; an unclosed <head> or <title> hides nothing
  // (returns npos).
  std::size_t SkipHidden(std::size_t from, std::string_view name) {
    const auto index = static_cast<std::size_t>(
        std::find(kHiddenTags.begin(), kHiddenTags.end(), name) - kHiddenTags.begin());
    // The answer for an earlier `from` still holds when that close tag lies ahead, or when none was
    // found.
    std::size_t& close = hidden_close_[index];
    if (close == kUnknown || (close != std::string_view::npos && close < from)) {
      close = std::string_view::npos;
      for (std::size_t j = html_.find("</", from); j != std::string_view::npos;
           j = html_.find("</", j + 2)) {
        if (MatchesAt(html_, j + 2, name) && TagEndsAt(j + 2 + name.size())) {
          close = j;
          break;
        }
      }
    }
    if (close == std::string_view::npos) {
      return (name == "script" || name == "style") ? html_.size() : std::string_view::npos;
    }
    const std::size_t gt = html_.find('>', close);
    return gt == std::string_view::npos ? html_.size() : gt + 1;
  }

  bool TagEndsAt(std::size_t k) const {
    return k >= html_.size() || html_[k] == '>' || html_[k] == '/' || IsBlank(html_[k]);
  }

  std::string_view html_;
  std::string out_;
  int pending_breaks_ = 0;
  bool pending_space_ = false;
  int pre_depth_ = 0;
  static constexpr std::size_t kUnknown = std::string_view::npos - 1;
  std::size_t gt_from_ =
      kUnknown;  // where the cached '>' search started; kUnknown before the first one
  std::size_t gt_at_ = std::string_view::npos;
  std::array<std::size_t, kHiddenTags.size()> hidden_close_ = {kUnknown, kUnknown, kUnknown,
                                                               kUnknown};
};

}  // namespace

std::string HtmlToText(std::string_view html) { return HtmlConverter(html).Run(); }

}  // namespace ticketwise::text::markup_internal
