// Auto-resolution configurations and Jira field maps come from tenants and the status and
// transition answers from the platforms: parsing any bytes must fail with a Status or give
// something usable. An accepted configuration must evaluate a decision and render its reply without
// failing, and a reply that the policy lets through must be exactly what the template rendered.
#include <cstdint>
#include <string>
#include <string_view>

#include "connect/writeback.h"
#include "policy/resolution.h"

using namespace ticketwise;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static_cast<void>(connect::IsResolved(connect::Platform::kJira, input));
  static_cast<void>(connect::IsResolved(connect::Platform::kServiceNow, input));
  if (auto t = connect::DoneTransition(input); t && t->id.empty()) __builtin_trap();
  if (auto t = connect::ReopenTransition(input); t && t->id.empty()) __builtin_trap();
  // A field map that parses reads back the same from its own JSON.
  if (auto map = connect::ParseJiraFieldMap(input)) {
    auto again = connect::ParseJiraFieldMap(connect::JiraFieldMapJson(*map));
    if (!again || again->queue_field != map->queue_field ||
        again->request_type_field != map->request_type_field ||
        again->service_field != map->service_field)
      __builtin_trap();
  }
  auto config = policy::ParseResolutionConfig(input, "tn_fuzz");
  if (!config) return 0;
  if (config->rules.empty()) __builtin_trap();
  Decision decision;
  FieldDecision category;
  category.field = "category";
  category.label = config->rules.front().category;
  category.confidence = 0.9f;
  decision.fields.push_back(category);
  decision.match = MatchState::kMatched;
  decision.suggestions.push_back({SourceKind::kArticle, config->rules.front().article, "Title",
                                  "https://kb/1", "Restart the client.", 1.0});
  Ticket ticket;
  ticket.external_id = "SD-1";
  ticket.title = "Password reset please";
  const FieldDecision f = policy::Evaluate(*config, decision, {});
  if (f.field != "resolution" || f.label != config->rules.front().name) __builtin_trap();
  const safety::OutboundMessage reply = policy::RenderReply(*config, f.label, ticket, decision);
  if (reply.customer_visible && !reply.reasons.empty()) __builtin_trap();
  return 0;
}
