// StripEmail: removes what a mail reply carries besides the new message. Line-based, because every
// marker it knows is a whole line. It keeps anything it is unsure about: a marker only cuts when
// the new message above it has content, so a ticket that is entirely a forwarded mail or a quote is
// not emptied.
#include <vector>

#include "text/markup_internal.h"

namespace ticketwise::text::markup_internal {
namespace {

struct Line {
  std::size_t begin;      // first byte
  std::string_view text;  // without the line ending and any '\r' before it
  std::size_t next;       // first byte of the following line
};

std::vector<Line> SplitLines(std::string_view s) {
  std::vector<Line> lines;
  std::size_t begin = 0;
  while (begin < s.size()) {
    std::size_t end = s.find('\n', begin);
    const std::size_t next = end == std::string_view::npos ? s.size() : end + 1;
    if (end == std::string_view::npos) end = s.size();
    std::size_t text_end = end;
    if (text_end > begin && s[text_end - 1] == '\r') --text_end;
    lines.push_back({begin, s.substr(begin, text_end - begin), next});
    begin = next;
  }
  return lines;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}
bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsQuoteLine(std::string_view line) {
  const std::string_view t = Trim(line);
  return !t.empty() && t.front() == '>';
}

// Reply attributions stay short; a long line starting "On " is prose.
constexpr std::size_t kMaxAttributionLength = 400;

// "On Mon, 3 Jun 2024 at 10:02, Ann <ann@example.com> wrote:" and the German and French forms.
// Clients wrap long attributions, so the closing words may sit on the next line.
bool IsAttributionText(std::string_view t) {
  if (t.size() > kMaxAttributionLength) return false;
  if (StartsWith(t, "On ") && EndsWith(t, "wrote:")) return true;
  if (StartsWith(t, "Am ") && t.find(" schrieb ") != std::string_view::npos && EndsWith(t, ":"))
    return true;
  if (StartsWith(t, "Le ") && (EndsWith(t, "a \u00E9crit :") || EndsWith(t, "a \u00E9crit:")))
    return true;
  return false;
}

bool IsAttribution(const std::vector<Line>& lines, std::size_t i) {
  const std::string_view t = Trim(lines[i].text);
  if (!StartsWith(t, "On ") && !StartsWith(t, "Am ") && !StartsWith(t, "Le ")) return false;
  if (IsAttributionText(t)) return true;
  if (i + 1 >= lines.size()) return false;
  const std::string_view next = Trim(lines[i + 1].text);
  if (next.empty() || t.size() + next.size() > kMaxAttributionLength) return false;
  std::string joined(t);
  joined += ' ';
  joined += next;
  return IsAttributionText(joined);
}

// "-----Original Message-----", "----- Original Message -----" and the German client's wording.
bool IsOriginalMessage(std::string_view line) {
  std::string_view t = Trim(line);
  if (!StartsWith(t, "--") || !EndsWith(t, "--")) return false;
  while (!t.empty() && t.front() == '-') t.remove_prefix(1);
  while (!t.empty() && t.back() == '-') t.remove_suffix(1);
  t = Trim(t);
  return MatchesAt(t, 0, "original message") ? t.size() == 16 : t == "Urspr\u00FCngliche Nachricht";
}

bool IsHeaderField(std::string_view line, std::string_view a, std::string_view b) {
  const std::string_view t = Trim(line);
  return StartsWith(t, a) || StartsWith(t, b);
}

// Outlook's "From: ..." followed within a few lines by "Sent: ..." or "Date: ...".
bool IsOutlookHeader(const std::vector<Line>& lines, std::size_t i) {
  if (!IsHeaderField(lines[i].text, "From:", "Von:")) return false;
  for (std::size_t k = i + 1; k < lines.size() && k <= i + 4; ++k) {
    if (IsHeaderField(lines[k].text, "Sent:", "Date:") ||
        IsHeaderField(lines[k].text, "Gesendet:", "Datum:")) {
      return true;
    }
  }
  return false;
}

// Outlook draws a line of underscores above its header block; it belongs to the quoted part.
bool IsUnderscoreRule(std::string_view line) {
  const std::string_view t = Trim(line);
  return t.size() >= 10 && t.find_first_not_of('_') == std::string_view::npos;
}

bool IsSignatureDelimiter(std::string_view line) { return line == "-- " || line == "--"; }

std::size_t CountWords(std::string_view s) {
  std::size_t words = 0;
  bool in_word = false;
  for (char c : s) {
    const bool blank = IsBlank(c);
    if (!blank && !in_word) ++words;
    in_word = !blank;
  }
  return words;
}

// "Sent from my iPhone", "Sent from my Samsung Galaxy smartphone.", "Get Outlook for Android". Only
// a few words may follow, so a sentence such as "Sent from my laptop to the printer but nothing
// came out" is kept.
bool IsMobileFooter(std::string_view line) {
  const std::string_view t = Trim(line);
  for (std::string_view prefix : {"Sent from my ", "Sent from ", "Get Outlook for "}) {
    if (!StartsWith(t, prefix)) continue;
    const std::string_view rest = t.substr(prefix.size());
    if (prefix == "Sent from ") {
      // Without "my" only the clients' own wording counts: "Sent from Mail for Windows", "Sent from
      // Outlook".
      return rest == "Outlook" || StartsWith(rest, "Mail for ") ||
             StartsWith(rest, "Outlook for ") || StartsWith(rest, "Yahoo Mail");
    }
    return CountWords(rest) <= 4;
  }
  return false;
}

}  // namespace

std::string StripEmail(std::string_view text) {
  const std::vector<Line> lines = SplitLines(text);
  std::size_t cut = lines.size();  // index of the first line dropped with everything after it
  bool has_content = false;        // a non-blank, non-quoted line comes before the current one
  bool has_quote = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lines[i].text;
    if (has_content) {
      if (IsAttribution(lines, i) || IsOriginalMessage(line) || IsSignatureDelimiter(line) ||
          IsMobileFooter(line)) {
        cut = i;
        break;
      }
      if (IsOutlookHeader(lines, i)) {
        cut = i;
        std::size_t above = i;
        while (above > 0 && Trim(lines[above - 1].text).empty()) --above;
        if (above > 0 && IsUnderscoreRule(lines[above - 1].text)) cut = above - 1;
        break;
      }
    }
    if (IsQuoteLine(line)) {
      has_quote = true;
    } else if (!Trim(line).empty()) {
      has_content = true;
    }
  }
  // Quotes go only when something else stays: a ticket that is nothing but a quote keeps it.
  const bool drop_quotes = has_quote && has_content;
  if (cut == lines.size() && !drop_quotes) return std::string(text);

  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < cut; ++i) {
    if (drop_quotes && IsQuoteLine(lines[i].text)) continue;
    out.append(text.substr(lines[i].begin, lines[i].next - lines[i].begin));
  }
  while (!out.empty() && IsBlank(out.back())) out.pop_back();
  return out;
}

}  // namespace ticketwise::text::markup_internal
