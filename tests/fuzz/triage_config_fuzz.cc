// Triage configurations and incident lists arrive as JSON from tenants: parsing any bytes must fail
// with a Status or give a configuration that Triage::Create accepts or refuses cleanly, and an
// accepted one must triage a ticket without failing. Inputs that start with "TZif" also go to the
// time-zone file parser.
#include <cstdint>
#include <string>
#include <string_view>

#include "triage/config_json.h"
#include "triage/triage.h"

using namespace ticketwise::triage;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.starts_with("TZif")) {
    auto zone = TimeZone::FromTzif(input, "fuzz");
    if (zone) {
      for (std::int64_t t : {-4000000000LL, 0LL, 1800000000LL, 4000000000LL}) {
        const auto offset = zone->Offset(Seconds(std::chrono::seconds(t)));
        if (offset > std::chrono::hours(26) || offset < std::chrono::hours(-26)) __builtin_trap();
      }
    }
    return 0;
  }
  auto incidents = ParseIncidentsJson(input);
  auto config = ParseTriageConfigJson(input);
  if (!config) return 0;
  auto triage = Triage::Create(*config);
  if (!triage) return 0;
  TicketSignals ticket;
  ticket.id = "T-1";
  ticket.text = "VPN outage since 9:00, all users blocked, dringend";
  ticket.service = config->services.empty() ? "" : config->services.front().name;
  ticket.language = "de";
  ticket.priority_head = {{"P1", 0.2}, {"high", 0.5}, {"Blocker", 0.3}};
  ticket.team_head = {{config->queues.back().name, 0.7}};
  ticket.bounced_from = {config->queues.front().name};
  const Seconds now{std::chrono::seconds(1800000000)};
  const RequesterContext requester{true, 9, 1, 2};
  const PriorityResult p = triage->Prioritize(
      ticket, requester, incidents ? *incidents : std::vector<ActiveIncident>{}, now);
  if (p.priority < Priority::kP1 || p.priority > Priority::kP4) __builtin_trap();
  const RoutingResult r = triage->Route(ticket, {}, now);
  if (r.queue.empty()) __builtin_trap();
  return 0;
}
