// The outbound text policy: decides whether text the engine wants to post may be customer-visible.
//
// Text goes to internal notes by default. It may be customer-visible only when it was rendered from
// a template the tenant approved, and only when it passes every check: no PII (other than values
// the caller allows, such as the requester's own name), no internal markers ("[internal]", model or
// confidence talk, redaction placeholders), no blame, speculation or dismissive wording (English,
// German, French and Spanish word lists), within length limits, and in the ticket's language. A
// failed check downgrades the text to an internal note and lists every reason; reasons name types
// and positions, never the PII itself, so they can be stored. Pure library, no I/O. CheckOutbound
// and RenderOutbound are thread-safe; a TemplateRegistry may be read from many threads once it is
// filled, but Approve needs exclusive access.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "safety/langid.h"
#include "ticketwise/status.h"

namespace ticketwise::safety {

enum class PolicyRule {
  kNotFromTemplate,   // no approved template of the tenant produced the text
  kEmpty,             // nothing to post
  kTooLong,           // more than OutboundOptions::max_bytes
  kPii,               // personal data or secrets the caller did not allow
  kInternalMarker,    // "[internal]", model/confidence talk, redaction placeholders
  kBlame,             // "your fault", "Ihre Schuld", "votre faute", "su culpa"
  kSpeculation,       // "probably", "vielleicht", "peut-être", "quizás"
  kDismissive,        // "just restart", "as already explained", "obviously"
  kLanguageMismatch,  // the text is not in the ticket's language
};

// "not_from_template", "empty", "too_long", "pii", "internal_marker", "blame", "speculation",
// "dismissive", "language_mismatch".
std::string_view PolicyRuleName(PolicyRule rule);

struct PolicyViolation {
  PolicyRule rule = PolicyRule::kEmpty;
  std::string detail;  // what matched, without PII: "email at byte 12", "phrase 'probably'"
};

struct OutboundOptions {
  // Longest customer-visible text, in bytes.
  std::size_t max_bytes = 2000;
};

struct OutboundContext {
  // The ticket's language; kUnknown skips the language check.
  Language ticket_language = Language::kUnknown;
  // Values that may appear although they are PII: the requester's own name or address.
  std::vector<std::string> allowed_values;
};

struct OutboundVerdict {
  bool customer_visible = false;  // false: post as an internal note instead
  std::vector<PolicyViolation> reasons;
};

// Checks `text` against every rule but kNotFromTemplate (see RenderOutbound for that one).
OutboundVerdict CheckOutbound(std::string_view text, const OutboundContext& context,
                              const OutboundOptions& options = {});

// Tenant-approved templates with variables written {{name}} (letters, digits, '_').
class TemplateRegistry {
 public:
  // Approves `body` as template `id` of `tenant`, replacing an earlier version. Fails on an empty
  // id or body, or a malformed variable ("{{", "{{}}", "{{bad name}}").
  Status Approve(const std::string& tenant, const std::string& id, const std::string& body);
  // Whether the tenant approved a template with this id.
  bool IsApproved(const std::string& tenant, const std::string& id) const;
  // Renders the template with `vars`; values are inserted as they are, never expanded again.
  // NotFound for an unknown template, InvalidArgument for a variable without a value.
  Result<std::string> Render(const std::string& tenant, const std::string& id,
                             const std::map<std::string, std::string>& vars) const;

 private:
  std::map<std::pair<std::string, std::string>, std::string> templates_;
};

struct OutboundMessage {
  bool customer_visible = false;  // false: post `text` as an internal note
  std::string text;               // the rendered text (empty when rendering failed)
  std::vector<PolicyViolation> reasons;
};

// The only way to customer-visible text: renders an approved template, then checks the result.
// Anything that fails (unknown template, missing variable, any check) comes back as an internal
// note with the reasons.
OutboundMessage RenderOutbound(const TemplateRegistry& templates, const std::string& tenant,
                               const std::string& template_id,
                               const std::map<std::string, std::string>& vars,
                               const OutboundContext& context, const OutboundOptions& options = {});

}  // namespace ticketwise::safety
