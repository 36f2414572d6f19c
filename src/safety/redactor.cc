#include "safety/redactor.h"

#include "safety/scan_internal.h"

namespace ticketwise::safety {
namespace {

constexpr std::array<std::string_view, kPiiTypeCount> kLabels = {
    "EMAIL", "PHONE", "CARD", "IBAN",   "SSN",      "NATIONAL_ID", "IPV4",
    "IPV6",  "MAC",   "URL",  "SECRET", "PASSWORD", "PERSON"};

}  // namespace

std::string_view PlaceholderLabel(PiiType type) {
  const auto i = static_cast<std::size_t>(type);
  return i < kLabels.size() ? kLabels[i] : "PII";
}

std::string NormalizedValue(PiiType type, std::string_view value) {
  using internal::IsAlnum;
  using internal::ToLower;
  using internal::ToUpper;
  std::string out;
  out.reserve(value.size());
  switch (type) {
    case PiiType::kPhone:
    case PiiType::kCard:
    case PiiType::kIban:
    case PiiType::kSsn:
    case PiiType::kNationalId:
    case PiiType::kMac:
      for (char c : value)
        if (IsAlnum(static_cast<unsigned char>(c))) out.push_back(ToUpper(c));
      return out;
    case PiiType::kEmail:
    case PiiType::kIpv6:
      for (char c : value) out.push_back(ToLower(c));
      return out;
    case PiiType::kPerson: {
      bool space = false;
      for (char c : value) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
          space = !out.empty();
          continue;
        }
        if (space) out.push_back(' ');
        space = false;
        out.push_back(ToLower(c));
      }
      return out;
    }
    default:
      return std::string(value);
  }
}

const std::string& Redactor::PlaceholderFor(PiiType type, std::string_view value) {
  std::string key(1, static_cast<char>(type));
  key += NormalizedValue(type, value);
  auto [it, inserted] = placeholders_.try_emplace(std::move(key));
  if (inserted) {
    const int n = ++counts_[static_cast<std::size_t>(type)];
    it->second = "[";
    it->second += PlaceholderLabel(type);
    it->second += "_" + std::to_string(n) + "]";
  }
  return it->second;
}

Redaction Redactor::Apply(std::string_view text, const std::vector<PiiSpan>& spans) {
  Redaction r;
  r.text.reserve(text.size());
  std::size_t pos = 0;
  for (const PiiSpan& s : spans) {
    if (s.start < pos || s.end <= s.start || s.end > text.size()) continue;
    r.text.append(text.substr(pos, s.start - pos));
    r.text += PlaceholderFor(s.type, text.substr(s.start, s.end - s.start));
    r.spans.push_back(s);
    pos = s.end;
  }
  r.text.append(text.substr(pos));
  return r;
}

Redaction Redactor::Redact(std::string_view text) { return Apply(text, FindPii(text, options_)); }

std::string RedactText(std::string_view text, const DetectOptions& options) {
  Redactor redactor(options);
  return redactor.Redact(text).text;
}

}  // namespace ticketwise::safety
