// E-mail addresses, IPv6 and MAC addresses, and URLs that carry credentials or tokens.
#include <string>

#include "safety/scan_internal.h"
#include "safety/validators.h"

namespace ticketwise::safety::internal {
namespace {

constexpr std::size_t kMaxLocalPart = 64;
constexpr std::size_t kMaxDomain = 253;
constexpr std::size_t kMaxUrl = 8192;

bool IsLocalChar(unsigned char c) {
  return IsAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

bool IsUrlChar(unsigned char c) {
  if (c <= ' ' || c == 0x7f) return false;
  switch (c) {
    case '<':
    case '>':
    case '"':
    case '\'':
    case '`':
    case '{':
    case '}':
    case '|':
    case '\\':
    case '^':
      return false;
    default:
      return true;
  }
}

// Query or fragment parameters whose values are credentials; short values of the generic names
// ("key", "code", "sid") are more often ids than secrets, so those need 16 bytes.
bool IsCredentialParam(std::string_view name, std::size_t value_len) {
  static constexpr std::string_view kStrong[] = {"token",
                                                 "access_token",
                                                 "id_token",
                                                 "refresh_token",
                                                 "api_key",
                                                 "apikey",
                                                 "api-key",
                                                 "secret",
                                                 "client_secret",
                                                 "password",
                                                 "passwd",
                                                 "pwd",
                                                 "pass",
                                                 "sig",
                                                 "signature",
                                                 "x-amz-signature",
                                                 "x-amz-credential",
                                                 "x-amz-security-token",
                                                 "auth",
                                                 "authorization",
                                                 "private_token",
                                                 "jwt",
                                                 "sessionid",
                                                 "session_id",
                                                 "access_key",
                                                 "secret_key",
                                                 "auth_token",
                                                 "oauth_token"};
  static constexpr std::string_view kWeak[] = {"key", "code", "sid", "session", "ticket"};
  for (std::string_view s : kStrong)
    if (name == s) return value_len >= 4;
  for (std::string_view s : kWeak)
    if (name == s) return value_len >= 16;
  return false;
}

bool HasCredentialParams(std::string_view params) {
  std::size_t p = 0;
  while (p < params.size()) {
    std::size_t amp = params.find_first_of("&;", p);
    if (amp == std::string_view::npos) amp = params.size();
    const std::string_view pair = params.substr(p, amp - p);
    const std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && eq <= 32) {
      std::string name(pair.substr(0, eq));
      for (char& c : name) c = ToLower(c);
      if (IsCredentialParam(name, pair.size() - eq - 1)) return true;
    }
    p = amp + 1;
  }
  return false;
}

}  // namespace

void DetectEmail(Scan& scan, std::size_t at) {
  std::size_t s = at;
  while (s > 0 && at - s <= kMaxLocalPart && IsLocalChar(scan.At(s - 1))) --s;
  if (at - s > kMaxLocalPart || (s > 0 && IsWordByte(scan.At(s - 1)))) return;
  const std::size_t local_start = s;
  while (s < at && !IsAlnum(scan.At(s))) ++s;
  if (s == at || scan.At(at - 1) == '.') return;
  std::size_t e = at + 1, last_label = 0;
  while (e - at <= kMaxDomain) {
    const unsigned char c = scan.At(e);
    if (IsAlnum(c) || c == '-') {
      ++e;
    } else if (c == '.' && IsAlnum(scan.At(e - 1)) && IsAlnum(scan.At(e + 1))) {
      last_label = ++e;
    } else {
      break;
    }
  }
  if (last_label == 0 || e - last_label < 2 || e - last_label > 24) return;
  for (std::size_t k = last_label; k < e; ++k)
    if (!IsAlpha(scan.At(k))) return;
  if (scan.At(e) >= 0x80) return;
  // "abfs://container@account.dfs.core.windows.net": the user of a URL, not an address.
  if (s >= 3 && scan.text.substr(s - 3, 3) == "://") return;
  // "hdfs/nn1@EXAMPLE.COM", "namenode@CORP.LOCAL": a Kerberos principal, whose realm is written in
  // capitals, unlike the rest of it.
  bool upper_domain = true, lower_local = false;
  for (std::size_t k = at + 1; k < e; ++k) upper_domain = upper_domain && !IsLower(scan.At(k));
  for (std::size_t k = s; k < at; ++k) lower_local = lower_local || IsLower(scan.At(k));
  if (upper_domain && (lower_local || (local_start > 0 && scan.At(local_start - 1) == '/'))) return;
  // "git@github.com:org/repo.git": an scp-style remote, not an address.
  if (scan.At(e) == ':' && (IsAlpha(scan.At(e + 1)) || scan.At(e + 1) == '/')) return;
  scan.Add(PiiType::kEmail, s, e);
}

std::size_t DetectHexAddress(Scan& scan, std::size_t i) {
  const std::string_view t = scan.text;
  // The tail of a longer address ("240b:c1d1:...", seen from "c1d1") is not an address.
  if (i >= 2 && (t[i - 1] == ':' || t[i - 1] == '-' || t[i - 1] == '.') && IsHex(scan.At(i - 2)))
    return i;
  for (std::size_t len : {std::size_t{17}, std::size_t{14}}) {
    if (i + len <= t.size() && IsValidMac(t.substr(i, len)) && scan.WordBoundaryAfter(i + len) &&
        scan.At(i + len) != ':' && scan.At(i + len) != '-' &&
        !(scan.At(i + len) == '.' && IsHex(scan.At(i + len + 1)))) {
      scan.Add(PiiType::kMac, i, i + len);
      return i + len;
    }
  }
  std::size_t e = i;
  int colons = 0;
  bool digit = false;
  while (e - i <= 45) {
    const unsigned char c = scan.At(e);
    if (c == ':') {
      ++colons;
    } else if (IsDigit(c)) {
      digit = true;
    } else if (!IsHex(c) && c != '.') {
      break;
    }
    ++e;
  }
  if (e - i > 45) {  // not an address: skip the whole run
    while (IsHex(scan.At(e)) || scan.At(e) == ':' || scan.At(e) == '.') ++e;
    return e;
  }
  while (e > i && t[e - 1] == '.') --e;
  if (e - i >= 2 && t[e - 1] == ':' && t[e - 2] != ':') --e;
  if (colons < 2 || !digit || !scan.WordBoundaryAfter(e)) return i;
  if (!IsValidIpv6(t.substr(i, e - i))) return i;
  scan.Add(PiiType::kIpv6, i, e);
  return e;
}

// text[i, scheme_end) is a URL scheme and "://" follows it.
std::size_t DetectUrl(Scan& scan, std::size_t i, std::size_t scheme_end) {
  const std::string_view t = scan.text;
  std::size_t e = scheme_end + 3;
  while (e - i < kMaxUrl && IsUrlChar(scan.At(e))) ++e;
  const std::size_t limit = e;
  while (IsUrlChar(scan.At(e))) ++e;  // an over-long URL is skipped whole, never rescanned
  if (limit != e) return e;
  while (e > scheme_end + 3) {
    const char c = t[e - 1];
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == ')' ||
        c == ']')
      --e;
    else
      break;
  }
  const std::string_view url = t.substr(scheme_end + 3, e - scheme_end - 3);
  const std::size_t auth_end = std::min(url.find_first_of("/?#"), url.size());
  const std::string_view authority = url.substr(0, auth_end);
  const std::size_t at = authority.rfind('@');
  bool credential = false;
  if (at != std::string_view::npos) {
    const std::size_t colon = authority.find(':');
    credential = colon != std::string_view::npos && colon < at && colon + 1 < at;
  }
  if (!credential) {
    const std::size_t q = url.find_first_of("?#", auth_end);
    if (q != std::string_view::npos) {
      std::string_view params = url.substr(q + 1);
      // A fragment of an OAuth implicit grant: "#access_token=...".
      std::size_t hash = params.find('#');
      credential = HasCredentialParams(params.substr(0, hash)) ||
                   (hash != std::string_view::npos && HasCredentialParams(params.substr(hash + 1)));
    }
  }
  if (!credential) return scheme_end;
  scan.Add(PiiType::kUrlCredential, i, e);
  return e;
}

}  // namespace ticketwise::safety::internal
