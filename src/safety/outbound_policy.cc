#include "safety/outbound_policy.h"

#include <array>

#include "safety/pii.h"
#include "safety/policy_words.h"
#include "safety/redactor.h"
#include "safety/scan_internal.h"

namespace ticketwise::safety {
namespace {

using internal::IsAlnum;
using internal::ToLower;

constexpr std::array<std::string_view, 9> kRuleNames = {
    "not_from_template", "empty",      "too_long",         "pii", "internal_marker", "blame",
    "speculation",       "dismissive", "language_mismatch"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLower(c);
  return out;
}

bool IsWordChar(unsigned char c) { return IsAlnum(c) || c >= 0x80; }

// Adds a violation for each phrase of `phrases` found in `lower` at word boundaries.
void FindPhrases(const std::string& lower, std::span<const std::string_view> phrases,
                 PolicyRule rule, std::vector<PolicyViolation>* out) {
  for (std::string_view phrase : phrases) {
    for (std::size_t p = lower.find(phrase); p != std::string::npos;
         p = lower.find(phrase, p + 1)) {
      const bool starts = p == 0 || !IsWordChar(static_cast<unsigned char>(lower[p - 1])) ||
                          !IsWordChar(static_cast<unsigned char>(phrase.front()));
      const std::size_t e = p + phrase.size();
      const bool ends = e >= lower.size() || !IsWordChar(static_cast<unsigned char>(lower[e])) ||
                        !IsWordChar(static_cast<unsigned char>(phrase.back()));
      if (starts && ends) {
        out->push_back({rule, "phrase '" + std::string(phrase) + "'"});
        break;
      }
    }
  }
}

// "[EMAIL_1]", "[PERSON_12]": a redaction placeholder that must never reach a customer.
bool HasPlaceholder(std::string_view text) {
  for (std::size_t p = text.find('['); p != std::string_view::npos; p = text.find('[', p + 1)) {
    std::size_t q = p + 1;
    while (q < text.size() &&
           (internal::IsUpper(static_cast<unsigned char>(text[q])) || text[q] == '_'))
      ++q;
    const std::size_t digits = q;
    while (q < text.size() && internal::IsDigit(static_cast<unsigned char>(text[q]))) ++q;
    if (q > digits && digits > p + 2 && text[digits - 1] == '_' && q < text.size() &&
        text[q] == ']')
      return true;
  }
  return false;
}

}  // namespace

std::string_view PolicyRuleName(PolicyRule rule) {
  return kRuleNames[static_cast<std::size_t>(rule)];
}

OutboundVerdict CheckOutbound(std::string_view text, const OutboundContext& context,
                              const OutboundOptions& options) {
  OutboundVerdict v;
  std::vector<PolicyViolation>& r = v.reasons;
  std::size_t visible = 0;
  for (char c : text) visible += (c != ' ' && c != '\n' && c != '\r' && c != '\t') ? 1 : 0;
  if (visible == 0) r.push_back({PolicyRule::kEmpty, "no text"});
  if (text.size() > options.max_bytes)
    r.push_back({PolicyRule::kTooLong, std::to_string(text.size()) + " bytes, at most " +
                                           std::to_string(options.max_bytes)});

  for (const PiiSpan& s : FindPii(text)) {
    const std::string value = NormalizedValue(s.type, text.substr(s.start, s.end - s.start));
    bool allowed = false;
    for (const std::string& a : context.allowed_values)
      allowed = allowed || NormalizedValue(s.type, a) == value;
    if (!allowed)
      r.push_back({PolicyRule::kPii,
                   std::string(PiiTypeName(s.type)) + " at byte " + std::to_string(s.start)});
  }

  const std::string lower = Lower(text);
  FindPhrases(lower, internal::InternalMarkerPhrases(), PolicyRule::kInternalMarker, &r);
  if (HasPlaceholder(text)) r.push_back({PolicyRule::kInternalMarker, "redaction placeholder"});
  FindPhrases(lower, internal::BlamePhrases(), PolicyRule::kBlame, &r);
  FindPhrases(lower, internal::SpeculationPhrases(), PolicyRule::kSpeculation, &r);
  FindPhrases(lower, internal::DismissivePhrases(), PolicyRule::kDismissive, &r);

  if (context.ticket_language != Language::kUnknown) {
    const Language found = IdentifyLanguage(text);
    if (found != context.ticket_language)
      r.push_back({PolicyRule::kLanguageMismatch,
                   "text is '" + std::string(LanguageCode(found)) + "', ticket is '" +
                       std::string(LanguageCode(context.ticket_language)) + "'"});
  }
  v.customer_visible = r.empty();
  return v;
}

Status TemplateRegistry::Approve(const std::string& tenant, const std::string& id,
                                 const std::string& body) {
  if (id.empty() || body.empty())
    return Status::InvalidArgument("a template needs an id and a body");
  for (std::size_t p = body.find("{{"); p != std::string::npos; p = body.find("{{", p + 2)) {
    const std::size_t close = body.find("}}", p + 2);
    if (close == std::string::npos)
      return Status::InvalidArgument("template '" + id + "': '{{' without '}}'");
    const std::string_view name(body.data() + p + 2, close - p - 2);
    bool ok = !name.empty();
    for (char c : name) ok = ok && (IsAlnum(static_cast<unsigned char>(c)) || c == '_');
    if (!ok)
      return Status::InvalidArgument("template '" + id + "': bad variable '{{" + std::string(name) +
                                     "}}'");
  }
  templates_[{tenant, id}] = body;
  return Status::Ok();
}

bool TemplateRegistry::IsApproved(const std::string& tenant, const std::string& id) const {
  return templates_.count({tenant, id}) > 0;
}

Result<std::string> TemplateRegistry::Render(const std::string& tenant, const std::string& id,
                                             const std::map<std::string, std::string>& vars) const {
  const auto it = templates_.find({tenant, id});
  if (it == templates_.end())
    return Fail(Status::NotFound("no approved template '" + id + "' for this tenant"));
  const std::string& body = it->second;
  std::string out;
  std::size_t pos = 0;
  for (std::size_t p = body.find("{{"); p != std::string::npos; p = body.find("{{", pos)) {
    const std::size_t close = body.find("}}", p + 2);  // Approve checked it exists
    const std::string name = body.substr(p + 2, close - p - 2);
    const auto value = vars.find(name);
    if (value == vars.end())
      return Fail(Status::InvalidArgument("template '" + id + "': no value for {{" + name + "}}"));
    out.append(body, pos, p - pos);
    out += value->second;
    pos = close + 2;
  }
  out.append(body, pos, std::string::npos);
  return out;
}

OutboundMessage RenderOutbound(const TemplateRegistry& templates, const std::string& tenant,
                               const std::string& template_id,
                               const std::map<std::string, std::string>& vars,
                               const OutboundContext& context, const OutboundOptions& options) {
  OutboundMessage m;
  auto rendered = templates.Render(tenant, template_id, vars);
  if (!rendered) {
    m.reasons.push_back({PolicyRule::kNotFromTemplate, rendered.error().message()});
    return m;
  }
  m.text = std::move(*rendered);
  OutboundVerdict v = CheckOutbound(m.text, context, options);
  m.customer_visible = v.customer_visible;
  m.reasons = std::move(v.reasons);
  return m;
}

}  // namespace ticketwise::safety
