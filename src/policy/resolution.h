// Auto-resolution: which routine tickets a tenant lets the engine resolve, and the reply the
// requester gets when it does (docs/decisions/0022-auto-resolution.md).
//
// A tenant allowlists kinds of tickets as rules ("password-reset": category Access; "vpn-howto":
// the best suggestion is KB article KB0012) and approves the templates their replies are rendered
// from. For each decision, Evaluate finds the first rule the ticket meets and checks the guards
// that keep a person on it whatever the rules say: a priority more urgent than the configuration
// allows, a VIP requester, a ticket that was reopened, a requester who came back about the same
// problem. The outcome is one more field of the decision, "resolution", whose label is the rule's
// name; its mode (shadow, suggest, auto and the auto gate) is set like any field's, so shadow mode
// is the dry run. RenderReply renders the rule's template and puts it through the outbound text
// policy (safety/outbound_policy.h): only a reply that passes may reach the requester.
//
// Pure library, no I/O; a ResolutionConfig is immutable once parsed and may be shared by threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "safety/outbound_policy.h"
#include "ticketwise/decision.h"
#include "ticketwise/status.h"
#include "ticketwise/ticket.h"

namespace ticketwise::policy {

struct ResolutionRule {
  std::string name{};      // the label of the "resolution" field when the rule applies
  std::string category{};  // the decided category the ticket must have (not abstained); "" any
  std::string article{};   // the knowledge-base article that must be the best suggestion; "" any
  // A suggestion must have passed the relevance gate (always so when `article` is set), scoring
  // at least `min_relevance`.
  bool requires_suggestion = false;
  double min_relevance = 0;
  std::string reply_template{};                  // id of an approved template
  std::string close_code = "Solution provided";  // ServiceNow close_code
  std::string jira_resolution = "Done";          // Jira resolution name
};

struct ResolutionConfig {
  std::vector<ResolutionRule> rules{};  // tried in order; the first that applies decides
  // The most urgent priority a ticket may have to be resolved without a person (1..4 for P1..P4).
  int most_urgent = 3;
  safety::TemplateRegistry templates{};  // approved under the tenant's id
  std::string tenant{};
  std::string version{};  // set by the caller: recorded on the decisions the configuration makes

  const ResolutionRule* Rule(std::string_view name) const;
};

// Parses a tenant's configuration (docs/api.md, PUT /v1/resolution/config):
//   {"templates": {"<id>": "<body with {{variables}}>", ...},
//    "rules": [{"name", "category"?, "article"?, "requires_suggestion"?, "min_relevance"?,
//               "template", "close_code"?, "jira_resolution"?}, ...],
//    "most_urgent_priority"?: "P3"}
// InvalidArgument naming the place of the first problem: malformed JSON, unknown keys, a rule with
// neither category nor article, duplicate names, a template that is not defined or whose variables
// are not among ReplyVariables().
Result<ResolutionConfig> ParseResolutionConfig(std::string_view json, const std::string& tenant);

// The variables a reply template may use: "ticket" (the platform's key), "title", "requester",
// "rule", "source_title", "source_link", "steps" (of the best suggestion; empty without one).
const std::vector<std::string>& ReplyVariables();

// What the caller knows about the ticket beyond the decision.
struct ResolutionFacts {
  bool vip = false;                   // the ticket's "vip" field
  bool reopened = false;              // the ticket was reopened (reopen_count > 0, status reopened)
  std::uint32_t repeat_contacts = 0;  // open tickets of the same requester about the same problem
};

// Whether `ticket`'s own fields say it was reopened or its requester is a VIP.
ResolutionFacts FactsOf(const Ticket& ticket);

// The "resolution" field of `decision` (whose category, priority and suggestions are decided):
// label the rule that applies, confidence the category's confidence and/or the best suggestion's
// relevance (the lower when the rule uses both), abstained when no rule applies or a guard stops
// it, reasons saying which and why. Mode and model version are left to the caller.
FieldDecision Evaluate(const ResolutionConfig& config, const Decision& decision,
                       const ResolutionFacts& facts);

// Renders the reply of the rule named `rule` for `ticket` and checks it against the outbound text
// policy, in the ticket's language (its "language" field, else the language of its text). The
// requester's own id may appear in it. A rule the configuration does not have comes back as an
// internal note saying so.
safety::OutboundMessage RenderReply(const ResolutionConfig& config, std::string_view rule,
                                    const Ticket& ticket, const Decision& decision);

}  // namespace ticketwise::policy
