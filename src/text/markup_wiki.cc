// WikiToText: Jira wiki markup to plain text, line by line. {code} and {noformat} bodies are copied
// verbatim; everywhere else line prefixes (headings, quotes, list markers, table bars), macros,
// links, images and text effects are removed. Effects such as *bold* only count where Jira itself
// would render them, at word boundaries, so "a*b" and "c_d" survive.
#include <array>
#include <vector>

#include "text/markup_internal.h"

namespace ticketwise::text::markup_internal {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// Macro parameters ("{code:title=Main.java|borderStyle=solid}") are short; a '{code:' without a '}'
// soon after is text, and the bound keeps lines full of them linear.
constexpr std::size_t kMaxMacroLength = 256;

std::size_t FindParamsEnd(std::string_view s, std::size_t from) {
  const std::size_t brace = s.substr(from, kMaxMacroLength).find('}');
  return brace == std::string_view::npos ? brace : from + brace;
}

// The verbatim block macro ("{code...}" or "{noformat...}") that starts at s[i], if any.
struct Fence {
  std::size_t end = std::string_view::npos;  // just past the opening macro's '}'
  std::string_view closer;                   // the macro that ends the block
};

Fence FindFenceAt(std::string_view s, std::size_t i) {
  for (std::string_view name : {std::string_view("code"), std::string_view("noformat")}) {
    if (s.substr(i + 1, name.size()) != name) continue;
    const std::size_t after = i + 1 + name.size();
    if (after >= s.size() || (s[after] != '}' && s[after] != ':')) continue;
    const std::size_t brace = FindParamsEnd(s, after);
    if (brace == std::string_view::npos) continue;
    return {brace + 1, name == "code" ? "{code}" : "{noformat}"};
  }
  return {};
}

// Length of an inline macro that is dropped while its content stays ({color:red}, {color},
// {panel:..}, {quote}), or 0.
std::size_t DroppedMacroLength(std::string_view s, std::size_t i) {
  for (std::string_view name :
       {std::string_view("color"), std::string_view("panel"), std::string_view("quote")}) {
    if (s.substr(i + 1, name.size()) != name) continue;
    const std::size_t after = i + 1 + name.size();
    if (after < s.size() && s[after] == '}') return after + 1 - i;
    if (after < s.size() && s[after] == ':' && name != "quote") {
      const std::size_t brace = FindParamsEnd(s, after);
      if (brace != std::string_view::npos) return brace + 1 - i;
    }
  }
  return 0;
}

bool LooksLikeUrl(std::string_view s) {
  return MatchesAt(s, 0, "http://") || MatchesAt(s, 0, "https://") || MatchesAt(s, 0, "ftp://") ||
         MatchesAt(s, 0, "mailto:") || MatchesAt(s, 0, "file:");
}

bool HasSpace(std::string_view s) {
  for (char c : s) {
    if (IsBlank(c)) return true;
  }
  return false;
}

bool IsImageName(std::string_view s) {
  const std::size_t dot = s.rfind('.');
  if (dot == std::string_view::npos) return false;
  const std::string_view ext = s.substr(dot + 1);
  for (std::string_view known :
       {"png", "jpg", "jpeg", "gif", "bmp", "svg", "webp", "tif", "tiff"}) {
    if (ext.size() == known.size() && MatchesAt(ext, 0, known)) return true;
  }
  return false;
}

constexpr std::string_view kEffectMarkers = "*_-+";

// Text of one line with link and macro syntax resolved; `literal` marks bytes that effect markers
// must not touch (monospace, URLs, user names).
struct Marked {
  std::string text;
  std::vector<char> literal;

  void Add(std::string_view s, bool is_literal) {
    text.append(s);
    literal.insert(literal.end(), s.size(), static_cast<char>(is_literal));
  }
};

class LineConverter {
 public:
  LineConverter(std::string_view segment, bool table_row) : s_(segment), table_row_(table_row) {}

  // Appends the converted segment to `*out`; sets `*dropped_macro` when a macro vanished.
  void Run(std::string* out, bool* dropped_macro) {
    std::size_t i = 0;
    while (i < s_.size()) {
      const std::size_t used = Special(i, dropped_macro);
      if (used > 0) {
        i += used;
      } else {
        marked_.Add(s_.substr(i, 1), false);
        ++i;
      }
    }
    ApplyEffects(out);
  }

 private:
  // Handles the construct at s_[i], if it is one, and returns the bytes it used (0 for ordinary
  // text).
  std::size_t Special(std::size_t i, bool* dropped_macro) {
    const char c = s_[i];
    if (c == '{') {
      if (i + 1 < s_.size() && s_[i + 1] == '{') {
        // Remembered because a line of many "{{" without "}}" would otherwise be searched once per
        // "{{".
        if (mono_close_ != std::string_view::npos && mono_close_ < i + 2)
          mono_close_ = s_.find("}}", i + 2);
        const std::size_t close = mono_close_;
        if (close != std::string_view::npos && close > i + 2) {
          marked_.Add(s_.substr(i + 2, close - i - 2), true);
          return close + 2 - i;
        }
        return 0;
      }
      const std::size_t len = DroppedMacroLength(s_, i);
      if (len > 0) *dropped_macro = true;
      return len;
    }
    if (c == '[') return Link(i);
    if (c == '!') return Image(i);
    if (c == '|' && table_row_) return TableBar(i);
    return 0;
  }

  // [text|target] -> text, [http://url] -> url, [~user] -> user, [^file.txt] -> file.txt. Anything
  // else in brackets ("[ERROR]", "[1]") is text.
  std::size_t Link(std::size_t i) {
    const std::size_t close = s_.find_first_of("[]", i + 1);
    if (close == std::string_view::npos || s_[close] != ']') return 0;
    const std::string_view inner = s_.substr(i + 1, close - i - 1);
    const std::size_t used = close + 1 - i;
    if (inner.size() > 1 && (inner[0] == '~' || inner[0] == '^') && !HasSpace(inner)) {
      marked_.Add(inner.substr(1), true);
      return used;
    }
    const std::size_t bar = inner.find('|');
    if (bar != std::string_view::npos) {
      std::string_view target = inner.substr(bar + 1);
      target = target.substr(0, target.find('|'));
      if (target.empty() || HasSpace(target)) return 0;
      const std::string_view label = inner.substr(0, bar);
      if (label.empty()) {
        marked_.Add(target[0] == '~' ? target.substr(1) : target, true);
      } else {
        marked_.Add(label, false);
      }
      return used;
    }
    if (LooksLikeUrl(inner) && !HasSpace(inner)) {
      marked_.Add(inner, true);
      return used;
    }
    return 0;
  }

  // !screenshot.png! and !diagram.jpg|thumbnail! carry nothing a reader of plain text can use.
  std::size_t Image(std::size_t i) {
    if (i > 0 && IsWordByte(s_[i - 1])) return 0;
    const std::size_t close = s_.find('!', i + 1);
    if (close == std::string_view::npos || close == i + 1) return 0;
    const std::string_view inner = s_.substr(i + 1, close - i - 1);
    const std::string_view name = inner.substr(0, inner.find('|'));
    if (HasSpace(name) || !IsImageName(name)) return 0;
    return close + 1 - i;
  }

  // Cell separators ("|" and "||") become " | " between cells and vanish at the row's ends.
  std::size_t TableBar(std::size_t i) {
    std::size_t k = i;
    while (k < s_.size() && s_[k] == '|') ++k;
    const bool at_start = marked_.text.find_first_not_of(" \t") == std::string::npos;
    const std::size_t last = s_.find_last_not_of(" \t");
    const bool at_end = last == std::string_view::npos || last < k;
    if (!at_start && !at_end) marked_.Add(" | ", true);
    return k - i;
  }

  bool IsMarker(std::size_t i) const {
    return kEffectMarkers.find(marked_.text[i]) != std::string_view::npos &&
           marked_.literal[i] == 0;
  }

  // An opening marker follows a non-word character and precedes a non-space; a closing one mirrors
  // that. Doubled markers ("--", "**") are never effects.
  bool Opens(std::size_t i) const {
    const std::string& t = marked_.text;
    if (!IsMarker(i) || i + 1 >= t.size() || IsBlank(t[i + 1]) || t[i + 1] == t[i]) return false;
    return i == 0 || (!IsWordByte(t[i - 1]) && t[i - 1] != t[i]);
  }

  bool Closes(std::size_t i) const {
    const std::string& t = marked_.text;
    if (!IsMarker(i) || i == 0 || IsBlank(t[i - 1]) || t[i - 1] == t[i]) return false;
    return i + 1 == t.size() || (!IsWordByte(t[i + 1]) && t[i + 1] != t[i]);
  }

  // Pairs each opening marker with the nearest closing marker of the same kind after it and drops
  // both. Linear: the nearest closer per position comes from one right-to-left pass.
  void ApplyEffects(std::string* out) const {
    const std::string& t = marked_.text;
    const std::size_t n = t.size();
    std::vector<std::size_t> next_closer(n, std::string_view::npos);
    std::array<std::size_t, kEffectMarkers.size()> nearest;
    nearest.fill(std::string_view::npos);
    for (std::size_t i = n; i-- > 0;) {
      const std::size_t kind = kEffectMarkers.find(t[i]);
      if (kind == std::string_view::npos) continue;
      next_closer[i] = nearest[kind];
      if (Closes(i)) nearest[kind] = i;
    }
    std::vector<char> dropped(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      if (dropped[i] != 0 || !Opens(i)) continue;
      const std::size_t j = next_closer[i];
      if (j == std::string_view::npos || j < i + 2 || dropped[j] != 0) continue;
      dropped[i] = 1;
      dropped[j] = 1;
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (dropped[i] == 0) out->push_back(t[i]);
    }
  }

  std::string_view s_;
  bool table_row_;
  Marked marked_;
  std::size_t mono_close_ =
      0;  // first "}}" at or after the last "{{" looked at; npos when there is none
};

// Length of the line prefix that only carries structure: "h2. ", "bq. ", list markers "* ", "## ",
// "- ".
std::size_t StructurePrefixLength(std::string_view line) {
  std::size_t k = 0;
  while (k < line.size() && IsSpace(line[k])) ++k;
  const std::string_view rest = line.substr(k);
  if (rest.size() >= 4 && rest[0] == 'h' && rest[1] >= '1' && rest[1] <= '6' && rest[2] == '.' &&
      rest[3] == ' ') {
    return k + 4;
  }
  if (rest.substr(0, 4) == "bq. ") return k + 4;
  std::size_t m = 0;
  while (m < rest.size() && (rest[m] == '*' || rest[m] == '#' || rest[m] == '-')) ++m;
  if (m > 0 && m < rest.size() && rest[m] == ' ') return k + m + 1;
  return 0;
}

bool IsHorizontalRule(std::string_view line) {
  std::size_t k = 0;
  while (k < line.size() && IsSpace(line[k])) ++k;
  std::size_t dashes = 0;
  while (k < line.size() && line[k] == '-') ++k, ++dashes;
  while (k < line.size() && IsSpace(line[k])) ++k;
  return dashes == 4 && k == line.size();
}

bool IsAllSpace(std::string_view s) {
  for (char c : s) {
    if (!IsBlank(c)) return false;
  }
  return true;
}

}  // namespace

std::string WikiToText(std::string_view wiki) {
  std::string out;
  out.reserve(wiki.size());
  std::string_view closer;  // non-empty inside a {code} or {noformat} block
  std::size_t begin = 0;
  while (begin < wiki.size()) {
    std::size_t end = wiki.find('\n', begin);
    const std::size_t next = end == std::string_view::npos ? wiki.size() : end + 1;
    if (end == std::string_view::npos) end = wiki.size();
    std::size_t body_end = end;
    if (body_end > begin && wiki[body_end - 1] == '\r') --body_end;
    const std::string_view body = wiki.substr(begin, body_end - begin);
    const std::string_view eol = wiki.substr(body_end, next - body_end);
    begin = next;

    std::string line;
    bool dropped_macro = false;
    std::size_t pos = 0;
    const bool starts_in_markup = closer.empty();
    while (pos < body.size()) {
      if (!closer.empty()) {
        const std::size_t at = body.find(closer, pos);
        if (at == std::string_view::npos) {
          line.append(body.substr(pos));
          break;
        }
        line.append(body.substr(pos, at - pos));
        pos = at + closer.size();
        closer = {};
        dropped_macro = true;
        continue;
      }
      Fence fence;
      std::size_t at = pos;
      for (at = body.find('{', pos); at != std::string_view::npos; at = body.find('{', at + 1)) {
        fence = FindFenceAt(body, at);
        if (fence.end != std::string_view::npos) break;
      }
      std::string_view markup = body.substr(pos, at == std::string_view::npos ? at : at - pos);
      bool table_row = false;
      if (pos == 0 && starts_in_markup) {
        if (IsHorizontalRule(markup)) markup = {};
        markup.remove_prefix(StructurePrefixLength(markup));
        std::size_t k = 0;
        while (k < markup.size() && IsSpace(markup[k])) ++k;
        table_row = k < markup.size() && markup[k] == '|';
      }
      LineConverter(markup, table_row).Run(&line, &dropped_macro);
      if (at == std::string_view::npos) break;
      closer = fence.closer;
      pos = fence.end;
      dropped_macro = true;
    }
    // A line that held only macros ("{code:java}", "{panel}") was structure, not a blank line of
    // the text.
    if (dropped_macro && IsAllSpace(line)) continue;
    out.append(line);
    out.append(eol);
  }
  // Lines removed at the end may leave the line ending of the last kept line; the input decides.
  if (!wiki.empty() && wiki.back() != '\n') {
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  }
  return out;
}

}  // namespace ticketwise::text::markup_internal
