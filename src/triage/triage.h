// Triage: priority P1-P4 and queue routing for one tenant, from a validated configuration.
//
// Create() checks the whole configuration once (queues, services, time zones, hours, weights) and
// loads the time zones; every later call is total: given any ticket signals it returns a result
// with its reasons and never fails. Time comes in as an explicit `now`, so results are
// deterministic. A Triage is immutable after Create and safe to use from many threads at once.
//
//   auto triage = Triage::Create(config);           // at configuration time: Status on bad config
//   PriorityResult p = triage->Prioritize(ticket, requester, incidents, now);
//   RoutingResult r = triage->Route(ticket, loads, now);
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ticketwise/status.h"
#include "triage/similarity.h"
#include "triage/time_zone.h"
#include "triage/types.h"

namespace ticketwise::triage {

class Triage {
 public:
  // Validates `config` and loads the queues' time zones through `zones`. InvalidArgument or
  // NotFound with a message naming the queue, service or field at fault.
  static Result<Triage> Create(TriageConfig config, const TimeZoneLoader& zones = TimeZoneLoader());

  const TriageConfig& config() const { return config_; }

  // Checks an incident before it is declared: known service (when one is named), some text or
  // service to match tickets by, end after start.
  Status ValidateIncident(const ActiveIncident& incident) const;

  // Checks learned heads against the configuration when they are attached: at least one team label
  // must name a queue, and every category a queue owns must be a label of the category head. Empty
  // lists skip the check.
  Status CheckHeads(std::span<const std::string> team_labels,
                    std::span<const std::string> category_labels) const;

  // Priority from the learned head, the impact x urgency matrix, the requester and the active
  // incidents (those in effect at `now` that match the ticket by service or text).
  PriorityResult Prioritize(const TicketSignals& ticket, const RequesterContext& requester,
                            std::span<const ActiveIncident> incidents, Seconds now) const;

  // Ranks every queue but the triage queue by the composite score and picks one, or the triage
  // queue when the best two are too close or the best is too weak. `loads` gives open tickets per
  // queue; queues not listed count as empty.
  RoutingResult Route(const TicketSignals& ticket, std::span<const QueueLoad> loads,
                      Seconds now) const;

  // Whether `queue` (a configured name) works at `now`: inside its business hours or on call.
  // False for an unknown name.
  bool IsOpen(std::string_view queue, Seconds now) const;

  // The active incidents the ticket matches at `now`, by service or text; ids in input order.
  std::vector<std::string> MatchIncidents(const TicketSignals& ticket, const TokenSet& words,
                                          std::span<const ActiveIncident> incidents,
                                          Seconds now) const;

 private:
  Triage() = default;
  bool IsOpenAt(std::size_t queue, Seconds now) const;
  int QueueIndex(std::string_view name) const;  // -1 when unknown
  const Service* FindService(std::string_view name) const;

  TriageConfig config_;
  std::vector<TimeZone> zones_;            // per queue
  std::vector<TokenSet> queue_words_;      // per queue: description and skills
  std::vector<std::string> queue_keys_;    // per queue: lower-case name
  std::vector<std::string> service_keys_;  // per service: lower-case name
};

// A ticket reassigned too often between queues.
struct PingPongAlert {
  std::string ticket_id;
  std::uint32_t bounces = 0;
  std::vector<std::string> queues;  // the assignment history
};

// Counts reassignments in `assignments` (the queues a ticket was assigned to, oldest first; a
// repeat of the current queue is not a move) and returns an alert when there are at least
// `threshold`.
std::optional<PingPongAlert> DetectPingPong(std::string_view ticket_id,
                                            std::span<const std::string> assignments,
                                            std::uint32_t threshold = 3);

// The levels the labels of a learned priority head stand for, in the order given: the explicit
// `mapping` first, then by name (any case): P1..P4 and 1..4; the classic Jira scale when "blocker"
// is among the labels (blocker P1, critical P2, major P3, minor and trivial P4); otherwise
// critical/urgent/highest P1, high P2, medium/normal/moderate P3, low/lowest/minor/trivial P4.
// nullopt for a label none of these name.
std::vector<std::optional<Priority>> PriorityLevels(
    std::span<const std::string> labels, std::span<const std::pair<std::string, Priority>> mapping);

}  // namespace ticketwise::triage
