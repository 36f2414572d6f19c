// Person names where the context makes them clear: after a greeting ("Hi John,", "Sehr geehrte
// Frau Müller"), after a title ("Mr. Smith"), on the line after a closing ("Regards,\nJane Doe"),
// after "my manager" / "mein Kollege" / "ma collègue", and after "my name is". A name is one to
// four capitalised words (Latin script, accents, O'Brien, Jean-Luc, "van der" particles); common
// capitalised words that follow greetings ("Team", "Support", "All") are not names.
#include <algorithm>
#include <string>
#include <vector>

#include "safety/scan_internal.h"

namespace ticketwise::safety::internal {
namespace {

constexpr int kMaxNameTokens = 4;
constexpr std::size_t kMaxTokenBytes = 30;

bool InList(std::string_view w, std::initializer_list<std::string_view> list) {
  for (std::string_view s : list)
    if (w == s) return true;
  return false;
}

// Length of a letter at p: 1 for ASCII, 2 for Latin-1 Supplement / Latin Extended-A letters
// written in UTF-8, 0 for anything else. `upper` says whether it is upper case.
std::size_t LetterAt(const Scan& scan, std::size_t p, bool* upper) {
  const unsigned char c = scan.At(p);
  if (IsAlpha(c)) {
    *upper = IsUpper(c);
    return 1;
  }
  const unsigned char d = scan.At(p + 1);
  if ((d & 0xC0) != 0x80) return 0;
  if (c == 0xC3 && d != 0x97 && d != 0xB7) {
    *upper = d < 0x9F;
    return 2;
  }
  if (c == 0xC4 || c == 0xC5) {  // Latin Extended-A: pairs of upper and lower case
    const unsigned cp = ((c & 0x1Fu) << 6) | (d & 0x3Fu);
    if (cp == 0x138 || cp == 0x149 || cp == 0x17F) {
      *upper = false;
    } else {
      *upper = (cp >= 0x139 && cp <= 0x148) ? (cp & 1u) != 0 : (cp & 1u) == 0;
    }
    return 2;
  }
  return 0;
}

// A capitalised word at p: returns its end, or p when there is none.
std::size_t NameToken(const Scan& scan, std::size_t p) {
  bool upper = false;
  std::size_t n = LetterAt(scan, p, &upper);
  if (n == 0 || !upper) return p;
  std::size_t e = p + n;
  bool lower_seen = false;
  while (e - p <= kMaxTokenBytes) {
    const unsigned char c = scan.At(e);
    if ((c == '\'' || c == '-') && LetterAt(scan, e + 1, &upper) != 0) {
      ++e;
      continue;
    }
    n = LetterAt(scan, e, &upper);
    if (n == 0) break;
    lower_seen = lower_seen || !upper;
    e += n;
  }
  if (e - p > kMaxTokenBytes || !lower_seen || scan.At(e) >= 0x80 || IsDigit(scan.At(e)) ||
      scan.At(e) == '_')
    return p;
  return e;
}

// One to four name tokens from p, separated by single spaces; lower-case particles may stand
// between them. Returns the end of the name or p.
std::size_t NameAt(const Scan& scan, std::size_t p) {
  // Leading particles: "Madame van der Berg".
  const std::size_t start = p;
  for (int k = 0; k < 2; ++k) {
    std::size_t w = p;
    while (IsLower(scan.At(w))) ++w;
    if (w > p && scan.At(w) == ' ' && IsParticle(scan.text.substr(p, w - p))) p = w + 1;
  }
  if (p != start && NameToken(scan, p) == p) return start;
  std::size_t e = NameToken(scan, p);
  if (e == p || IsStopWord(scan.text.substr(p, e - p)) || HasStopPrefix(scan.text.substr(p, e - p)))
    return start;
  std::size_t end = e;
  for (int tokens = 1; tokens < kMaxNameTokens && scan.At(end) == ' ';) {
    std::size_t q = end + 1;
    // Particles: "van der", "de la".
    for (int k = 0; k < 2; ++k) {
      std::size_t w = q;
      while (IsLower(scan.At(w)) || scan.At(w) == '.') ++w;
      if (w > q && scan.At(w) == ' ' && IsParticle(scan.text.substr(q, w - q))) q = w + 1;
    }
    const std::size_t t = NameToken(scan, q);
    if (t == q || IsStopWord(scan.text.substr(q, t - q)) ||
        HasStopPrefix(scan.text.substr(q, t - q)))
      break;
    end = t;
    ++tokens;
  }
  return end;
}

bool LineEndsAt(const Scan& scan, std::size_t p) {
  while (IsSpace(scan.At(p))) ++p;
  return p >= scan.text.size() || scan.At(p) == '\n' || scan.At(p) == '\r';
}

// After a greeting: "Hi John,", "Hello, Jane Doe!", "Dear Mr. Smith:", "Sehr geehrte Frau Weber".
void AfterGreeting(Scan& scan, std::size_t p) {
  if (scan.At(p) == ',') ++p;
  if (scan.At(p) != ' ') return;
  ++p;
  // An optional title between greeting and name.
  const std::size_t title = p;
  while (IsAlpha(scan.At(p))) ++p;
  std::string t(scan.text.substr(title, p - title));
  for (char& c : t) c = ToLower(c);
  if (p > title && LookupKeyword(t) == Keyword::kTitle) {
    if (scan.At(p) == '.') ++p;
    if (scan.At(p) != ' ') return;
    ++p;
  } else {
    p = title;
  }
  const std::size_t e = NameAt(scan, p);
  if (e == p) return;
  const unsigned char next = scan.At(e);
  if (e >= scan.text.size() || next == ',' || next == '!' || next == ':' || next == '.' ||
      next == '\n' || next == '\r' || next == ';' || (next == ' ' && scan.At(e + 1) == '-') ||
      LineEndsAt(scan, e))
    scan.Add(PiiType::kPerson, p, e);
}

// Words allowed between a closing and its line end: "Best regards", "Mit freundlichen Grüßen".
bool RestOfClosingLine(const Scan& scan, std::size_t p, std::size_t* line_end) {
  std::size_t q = p;
  while (q - p <= 40 && q < scan.text.size() && scan.At(q) != '\n') {
    const unsigned char c = scan.At(q);
    if (IsDigit(c) || c == '@' || c == '?' || c == ':') return false;
    ++q;
  }
  if (q - p > 40) return false;
  std::string rest(scan.text.substr(p, q - p));
  for (char& c : rest) c = ToLower(c);
  std::size_t k = 0;
  while (k < rest.size()) {
    while (k < rest.size() && (rest[k] == ' ' || rest[k] == ',' || rest[k] == '!' ||
                               rest[k] == '.' || rest[k] == '\r' || rest[k] == '-'))
      ++k;
    std::size_t w = k;
    while (w < rest.size() && rest[w] != ' ' && rest[w] != ',' && rest[w] != '!' &&
           rest[w] != '.' && rest[w] != '\r')
      ++w;
    if (w == k) break;
    const std::string_view word(rest.data() + k, w - k);
    if (!IsClosingLineWord(word)) return false;
    k = w;
  }
  *line_end = q;
  return true;
}

// After a closing: the name is on the same line after a comma ("Regards, John") or alone on the
// next non-empty line ("Thanks,\nJane Doe").
void AfterClosing(Scan& scan, std::size_t p) {
  if (scan.At(p) == ',' && scan.At(p + 1) == ' ') {
    const std::size_t e = NameAt(scan, p + 2);
    if (e != p + 2 && LineEndsAt(scan, e)) {
      scan.Add(PiiType::kPerson, p + 2, e);
      return;
    }
  }
  std::size_t line_end = 0;
  if (!RestOfClosingLine(scan, p, &line_end)) return;
  std::size_t q = line_end;
  for (int newlines = 0; newlines < 2 && q < scan.text.size();) {
    const unsigned char c = scan.At(q);
    if (c == '\n') {
      ++newlines;
      ++q;
    } else if (c == '\r' || IsSpace(c)) {
      ++q;
    } else {
      break;
    }
  }
  if (q == line_end) return;
  const std::size_t e = NameAt(scan, q);
  if (e != q && LineEndsAt(scan, e)) scan.Add(PiiType::kPerson, q, e);
}

// The word before position i (skipping spaces), lower-cased; empty when there is none.
std::string PreviousWord(const Scan& scan, std::size_t i) {
  std::size_t e = i;
  while (e > 0 && IsSpace(scan.At(e - 1))) --e;
  std::size_t s = e;
  while (s > 0 && e - s < 12 && IsWordByte(scan.At(s - 1))) --s;
  std::string w(scan.text.substr(s, e - s));
  for (char& c : w) c = ToLower(c);
  return w;
}

}  // namespace

void DetectPerson(Scan& scan, std::size_t i, std::size_t word_end, Keyword keyword) {
  switch (keyword) {
    case Keyword::kGreeting:
      AfterGreeting(scan, word_end);
      return;
    case Keyword::kTitle: {
      // "Mr", "Frau" in title case; "MS Surface" and "MR FileInput" are no titles.
      if (!IsUpper(scan.At(i)) || IsUpper(scan.At(i + 1))) return;
      std::size_t p = word_end;
      if (scan.At(p) == '.') ++p;
      if (scan.At(p) != ' ') return;
      const std::size_t e = NameAt(scan, p + 1);
      if (e != p + 1) scan.Add(PiiType::kPerson, p + 1, e);
      return;
    }
    case Keyword::kThank:
      if (MatchesAt(scan.text, word_end, " you")) AfterClosing(scan, word_end + 4);
      return;
    case Keyword::kClosing:
      AfterClosing(scan, word_end);
      return;
    case Keyword::kRelation: {
      const std::string prev = PreviousWord(scan, i);
      if (!InList(prev, {"my", "our", "mein", "meine", "meinem", "meinen", "meiner", "unser",
                         "unsere", "unserem", "ma", "mon", "notre", "mi", "nuestro", "nuestra"}))
        return;
      std::size_t p = word_end;
      if (scan.At(p) == ',') ++p;
      if (scan.At(p) != ' ') return;
      ++p;
      for (std::string_view v : {"is ", "ist ", "est ", "es "})
        if (MatchesAt(scan.text, p, v)) p += v.size();
      const std::size_t e = NameAt(scan, p);
      if (e != p) scan.Add(PiiType::kPerson, p, e);
      return;
    }
    case Keyword::kName: {
      const std::string prev = PreviousWord(scan, i);
      if (!InList(prev, {"my", "mein", "mon", "mi"})) return;
      std::size_t p = word_end;
      bool verb = false;
      for (std::string_view v : {" is ", " ist ", " est ", " es "})
        if (MatchesAt(scan.text, p, v)) {
          p += v.size();
          verb = true;
          break;
        }
      if (!verb) return;
      const std::size_t e = NameAt(scan, p);
      if (e != p) scan.Add(PiiType::kPerson, p, e);
      return;
    }
    case Keyword::kNameVerb: {
      if (scan.At(word_end) != ' ') return;
      const std::size_t e = NameAt(scan, word_end + 1);
      if (e != word_end + 1) scan.Add(PiiType::kPerson, word_end + 1, e);
      return;
    }
    default:
      return;
  }
}

}  // namespace ticketwise::safety::internal
