// FindPii: the single pass that dispatches to the detectors, and the settling of overlaps.
#include "safety/pii.h"

#include <algorithm>
#include <array>
#include <utility>

#include "safety/scan_internal.h"

namespace ticketwise::safety {
namespace {

using internal::Keyword;

constexpr std::array<std::string_view, kPiiTypeCount> kTypeNames = {
    "email", "phone", "card",           "iban",   "ssn",      "national_id", "ipv4",
    "ipv6",  "mac",   "url_credential", "secret", "password", "person"};

struct KeywordEntry {
  std::string_view word;
  Keyword keyword;
};

// Sorted by word (byte order) for binary search.
constexpr KeywordEntry kKeywords[] = {
    {"access_token", Keyword::kSecretKey},
    {"afternoon", Keyword::kGreeting},
    {"amqp", Keyword::kUrlScheme},
    {"amqps", Keyword::kUrlScheme},
    {"api_key", Keyword::kSecretKey},
    {"apikey", Keyword::kSecretKey},
    {"appelle", Keyword::kNameVerb},
    {"atentamente", Keyword::kClosing},
    {"auth_token", Keyword::kSecretKey},
    {"aws_secret_access_key", Keyword::kSecretKey},
    {"bearer", Keyword::kSecretKey},
    {"best", Keyword::kClosing},
    {"bonjour", Keyword::kGreeting},
    {"boss", Keyword::kRelation},
    {"cheers", Keyword::kClosing},
    {"chef", Keyword::kRelation},
    {"chefin", Keyword::kRelation},
    {"cher", Keyword::kGreeting},
    {"ch\xc3\xa8re", Keyword::kGreeting},
    {"clave", Keyword::kPassword},
    {"client_secret", Keyword::kSecretKey},
    {"colleague", Keyword::kRelation},
    {"coll\xc3\xa8gue", Keyword::kRelation},
    {"compa\xc3\xb1"
     "era",
     Keyword::kRelation},
    {"compa\xc3\xb1"
     "ero",
     Keyword::kRelation},
    {"contrasena", Keyword::kPassword},
    {"contrase\xc3\xb1"
     "a",
     Keyword::kPassword},
    {"cordialement", Keyword::kClosing},
    {"coworker", Keyword::kRelation},
    {"danke", Keyword::kClosing},
    {"dear", Keyword::kGreeting},
    {"dr", Keyword::kTitle},
    {"estimada", Keyword::kGreeting},
    {"estimado", Keyword::kGreeting},
    {"evening", Keyword::kGreeting},
    {"frau", Keyword::kTitle},
    {"ftp", Keyword::kUrlScheme},
    {"ftps", Keyword::kUrlScheme},
    {"geehrte", Keyword::kGreeting},
    {"geehrter", Keyword::kGreeting},
    {"git", Keyword::kUrlScheme},
    {"gruss", Keyword::kClosing},
    {"gru\xc3\x9f", Keyword::kClosing},
    {"gr\xc3\xbcsse", Keyword::kClosing},
    {"gr\xc3\xbc\xc3\x9f"
     "e",
     Keyword::kClosing},
    {"gr\xc3\xbc\xc3\x9f"
     "en",
     Keyword::kClosing},
    {"hallo", Keyword::kGreeting},
    {"heisse", Keyword::kNameVerb},
    {"hei\xc3\x9f"
     "e",
     Keyword::kNameVerb},
    {"hello", Keyword::kGreeting},
    {"herr", Keyword::kTitle},
    {"hey", Keyword::kGreeting},
    {"hi", Keyword::kGreeting},
    {"hola", Keyword::kGreeting},
    {"http", Keyword::kUrlScheme},
    {"https", Keyword::kUrlScheme},
    {"jefa", Keyword::kRelation},
    {"jefe", Keyword::kRelation},
    {"kennwort", Keyword::kPassword},
    {"kollege", Keyword::kRelation},
    {"kollegin", Keyword::kRelation},
    {"ldap", Keyword::kUrlScheme},
    {"ldaps", Keyword::kUrlScheme},
    {"liebe", Keyword::kGreeting},
    {"lieber", Keyword::kGreeting},
    {"llamo", Keyword::kNameVerb},
    {"madame", Keyword::kTitle},
    {"manager", Keyword::kRelation},
    {"mdp", Keyword::kPassword},
    {"merci", Keyword::kClosing},
    {"mfg", Keyword::kClosing},
    {"miss", Keyword::kTitle},
    {"mlle", Keyword::kTitle},
    {"mme", Keyword::kTitle},
    {"mongodb", Keyword::kUrlScheme},
    {"monsieur", Keyword::kTitle},
    {"morning", Keyword::kGreeting},
    {"mot", Keyword::kMot},
    {"mr", Keyword::kTitle},
    {"mrs", Keyword::kTitle},
    {"ms", Keyword::kTitle},
    {"mssql", Keyword::kUrlScheme},
    {"mysql", Keyword::kUrlScheme},
    {"name", Keyword::kName},
    {"pass", Keyword::kPassword},
    {"passcode", Keyword::kPassword},
    {"passphrase", Keyword::kPassword},
    {"passwd", Keyword::kPassword},
    {"password", Keyword::kPassword},
    {"passwort", Keyword::kPassword},
    {"postgres", Keyword::kUrlScheme},
    {"postgresql", Keyword::kUrlScheme},
    {"private_token", Keyword::kSecretKey},
    {"pw", Keyword::kPassword},
    {"pwd", Keyword::kPassword},
    {"redis", Keyword::kUrlScheme},
    {"rediss", Keyword::kUrlScheme},
    {"refresh_token", Keyword::kSecretKey},
    {"regards", Keyword::kClosing},
    {"rgds", Keyword::kClosing},
    {"saludos", Keyword::kClosing},
    {"secret", Keyword::kSecretKey},
    {"secret_access_key", Keyword::kSecretKey},
    {"secret_key", Keyword::kSecretKey},
    {"senha", Keyword::kPassword},
    {"se\xc3\xb1or", Keyword::kTitle},
    {"se\xc3\xb1ora", Keyword::kTitle},
    {"sftp", Keyword::kUrlScheme},
    {"sincerely", Keyword::kClosing},
    {"smb", Keyword::kUrlScheme},
    {"sr", Keyword::kTitle},
    {"sra", Keyword::kTitle},
    {"ssh", Keyword::kUrlScheme},
    {"supervisor", Keyword::kRelation},
    {"svn", Keyword::kUrlScheme},
    {"thank", Keyword::kThank},
    {"thanks", Keyword::kClosing},
    {"token", Keyword::kSecretKey},
    {"vorgesetzte", Keyword::kRelation},
    {"vorgesetzter", Keyword::kRelation},
    {"ws", Keyword::kUrlScheme},
    {"wss", Keyword::kUrlScheme},
};
constexpr std::size_t kMaxKeyword = 24;

constexpr bool KeywordsSorted() {
  for (std::size_t i = 1; i < std::size(kKeywords); ++i)
    if (!(kKeywords[i - 1].word < kKeywords[i].word)) return false;
  return true;
}
static_assert(KeywordsSorted(), "kKeywords must be sorted by byte order, without duplicates");

// An open-addressing hash table over kKeywords, built at compile time: a lookup is one hash and
// usually one comparison.
constexpr std::size_t kKeywordSlots = 512;
constexpr std::uint32_t HashWord(std::string_view w) {
  std::uint32_t h = 2166136261u;
  for (char c : w) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}
constexpr std::array<std::int16_t, kKeywordSlots> KeywordSlots() {
  std::array<std::int16_t, kKeywordSlots> slots{};
  for (auto& s : slots) s = -1;
  for (std::size_t k = 0; k < std::size(kKeywords); ++k) {
    std::size_t h = HashWord(kKeywords[k].word) % kKeywordSlots;
    while (slots[h] >= 0) h = (h + 1) % kKeywordSlots;
    slots[h] = static_cast<std::int16_t>(k);
  }
  return slots;
}
constexpr std::array<std::int16_t, kKeywordSlots> kKeywordSlotTable = KeywordSlots();

// Bit L of kLengthsByFirst[c] is set when a keyword starting with byte c has length L: most words
// are rejected by this one load.
constexpr std::array<std::uint32_t, 256> LengthsByFirst() {
  std::array<std::uint32_t, 256> m{};
  for (const KeywordEntry& e : kKeywords)
    m[static_cast<unsigned char>(e.word[0])] |= 1u << e.word.size();
  return m;
}
constexpr std::array<std::uint32_t, 256> kLengthsByFirst = LengthsByFirst();

// Bit (b & 31) of kFirstTwo[a - 'a'] is set when a keyword starts with the letters a, b.
constexpr std::array<std::uint32_t, 26> FirstTwo() {
  std::array<std::uint32_t, 26> m{};
  for (const KeywordEntry& e : kKeywords)
    m[static_cast<std::size_t>(e.word[0] - 'a')] |= 1u
                                                    << (static_cast<unsigned char>(e.word[1]) & 31);
  return m;
}
constexpr std::array<std::uint32_t, 26> kFirstTwo = FirstTwo();

// Whether the word w[0, len) can start a token, IBAN or national id (see DetectWordSecrets):
// AKIA... and AIza..., ghp_/github_pat_/glpat-, xox?-, eyJ, sk_/rk_, two letters and two digits
// (IBAN), nine characters (DNI, NIE, NINO), two capitals (spaced NINO).
constexpr bool MayStartSecretWord(const unsigned char* w, std::size_t len) {
  using internal::IsAlpha;
  using internal::IsDigit;
  using internal::IsUpper;
  if (len == 2) return IsUpper(w[0]) && IsUpper(w[1]);
  if (len < 4) return false;
  if (len == 9 || len == 20) return true;
  if (IsAlpha(w[0]) && IsAlpha(w[1]) && IsDigit(w[2]) && IsDigit(w[3])) return true;
  switch (w[0]) {
    case 'A':
      return w[1] == 'I';
    case 'g':
      return w[1] == 'h' || w[1] == 'i' || (w[1] == 'l' && len == 5);
    case 'x':
      return len == 4 && w[1] == 'o';
    case 'e':
      return w[1] == 'y' && w[2] == 'J';
    case 's':
    case 'r':
      return w[1] == 'k' && w[2] == '_';
    default:
      return false;
  }
}

// What the main loop does with a byte: skip it, start a word there, or call a detector.
enum class ByteClass : std::uint8_t { kOther, kWord, kNonAscii, kTrigger };
constexpr std::array<ByteClass, 256> ByteClasses() {
  std::array<ByteClass, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const auto u = static_cast<unsigned char>(c);
    if (internal::IsAlnum(u) || u == '_') t[c] = ByteClass::kWord;
    if (u >= 0x80) t[c] = ByteClass::kNonAscii;
  }
  for (unsigned char u : {'@', '-', '+', '(', ':'}) t[u] = ByteClass::kTrigger;
  return t;
}
constexpr std::array<ByteClass, 256> kByteClass = ByteClasses();

// Ties at the same span go to the more specific type.
int Specificity(PiiType t) {
  switch (t) {
    case PiiType::kSecret:
    case PiiType::kUrlCredential:
      return 0;
    case PiiType::kPassword:
      return 1;
    case PiiType::kPhone:
      return 3;
    case PiiType::kPerson:
      return 4;
    default:
      return 2;
  }
}

}  // namespace

namespace internal {

Keyword LookupKeyword(std::string_view lower) {
  if (lower.size() < 2 || lower.size() > kMaxKeyword || lower[0] < 'a' || lower[0] > 'z')
    return Keyword::kNone;
  if ((kLengthsByFirst[static_cast<unsigned char>(lower[0])] >> lower.size() & 1u) == 0)
    return Keyword::kNone;
  for (std::size_t h = HashWord(lower) % kKeywordSlots; kKeywordSlotTable[h] >= 0;
       h = (h + 1) % kKeywordSlots) {
    const KeywordEntry& e = kKeywords[static_cast<std::size_t>(kKeywordSlotTable[h])];
    if (e.word == lower) return e.keyword;
  }
  return Keyword::kNone;
}

}  // namespace internal

std::string_view PiiTypeName(PiiType type) {
  const auto i = static_cast<std::size_t>(type);
  return i < kTypeNames.size() ? kTypeNames[i] : "unknown";
}

std::optional<PiiType> PiiTypeFromName(std::string_view name) {
  for (std::size_t i = 0; i < kTypeNames.size(); ++i)
    if (kTypeNames[i] == name) return static_cast<PiiType>(i);
  return std::nullopt;
}

std::vector<PiiSpan> FindPii(std::string_view text, const DetectOptions& options) {
  using namespace internal;
  Scan scan{text, options, {}, std::string_view::npos};
  const std::size_t n = text.size();
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t i = 0;
  char lower[kMaxKeyword];
  while (i < n) {
    const unsigned char c = bytes[i];
    const ByteClass cls = kByteClass[c];
    if (cls == ByteClass::kOther) {
      ++i;
      continue;
    }
    if (cls == ByteClass::kNonAscii || c == '_') {  // detectors start only at ASCII word starts
      ++i;
      continue;
    }
    if (cls == ByteClass::kTrigger) {
      if (c == '@') {
        DetectEmail(scan, i);
        ++i;
      } else if (c == '-') {
        i = MatchesAt(text, i, "-----begin ") ? std::max(i + 1, DetectPem(scan, i)) : i + 1;
      } else if (!scan.WordBoundaryBefore(i)) {
        ++i;
      } else if (c == ':') {
        i = scan.At(i + 1) == ':' && scan.At(i - 1) != ':'
                ? std::max(i + 2, DetectHexAddress(scan, i))
                : i + 1;
      } else {  // '+' or '('
        i = std::max(i + 1, DetectNumber(scan, i));
      }
      continue;
    }
    // An ASCII letter or digit. Inside a word (after a non-ASCII letter) nothing starts.
    std::size_t word_end = i + 1;
    while (word_end < n && kByteClass[bytes[word_end]] == ByteClass::kWord) ++word_end;
    if (word_end < n && bytes[word_end] >= 0x80)
      while (word_end < n && !scan.WordBoundaryAfter(word_end)) ++word_end;
    if (!scan.WordBoundaryBefore(i)) {
      i = word_end;
      continue;
    }
    std::size_t next = word_end;
    const std::size_t len = word_end - i;
    const unsigned char after = scan.At(word_end);
    if (IsDigit(c)) next = std::max(next, DetectNumber(scan, i));
    if (len <= 4 && IsHex(c) && (after == ':' || after == '-' || after == '.'))
      next = std::max(next, DetectHexAddress(scan, i));
    if (MayStartSecretWord(bytes + i, len))
      next = std::max(next, DetectWordSecrets(scan, i, word_end));
    Keyword kw = Keyword::kNone;
    if (IsAlpha(c) && len >= 2 && len <= kMaxKeyword &&
        (kLengthsByFirst[c | 0x20] >> len & 1u) != 0 &&
        kFirstTwo[(c | 0x20) - 'a'] >> (ToLower(static_cast<char>(bytes[i + 1])) & 31) & 1u) {
      for (std::size_t k = 0; k < len; ++k) lower[k] = ToLower(text[i + k]);
      kw = LookupKeyword(std::string_view(lower, len));
    }
    // "MINIO_ROOT_PASSWORD=...", "db_passwd: ...": the last part of a variable name.
    if (kw == Keyword::kNone && len >= 6 && IsAlpha(c) && IsAlpha(bytes[word_end - 1])) {
      for (std::size_t tail_len : {3, 4, 5, 6, 8}) {  // pwd, pass, token, passwd/secret, password
        if (len <= tail_len + 1 || bytes[word_end - tail_len - 1] != '_') continue;
        for (std::size_t k = 0; k < tail_len; ++k)
          lower[k] = ToLower(text[word_end - tail_len + k]);
        const Keyword tail = LookupKeyword(std::string_view(lower, tail_len));
        if (tail == Keyword::kPassword || tail == Keyword::kSecretKey) kw = tail;
        break;
      }
    }
    if (kw != Keyword::kNone) {
      if (kw == Keyword::kUrlScheme) {
        if (MatchesAt(text, word_end, "://")) next = std::max(next, DetectUrl(scan, i, word_end));
      } else if (kw == Keyword::kPassword || kw == Keyword::kSecretKey || kw == Keyword::kMot) {
        next = std::max(next, DetectKeywordValue(scan, i, word_end, kw));
      } else if (kw != Keyword::kNone && options.person_names) {
        DetectPerson(scan, i, word_end, kw);
      }
    }
    i = next;
  }

  std::vector<PiiSpan>& found = scan.found;
  std::sort(found.begin(), found.end(), [](const PiiSpan& a, const PiiSpan& b) {
    if (a.start != b.start) return a.start < b.start;
    if (a.end != b.end) return a.end > b.end;
    return Specificity(a.type) < Specificity(b.type);
  });
  std::vector<PiiSpan> out;
  out.reserve(found.size());
  for (const PiiSpan& s : found) {
    if (!out.empty() && s.start < out.back().end) continue;
    out.push_back(s);
  }
  return out;
}

}  // namespace ticketwise::safety
