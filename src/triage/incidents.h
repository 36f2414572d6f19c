// Major-incident detection: a burst of similar tickets within a time window raises a "probable
// major incident" with the tickets linked to it.
//
// Two tickets are similar when they name the same service or their texts' word sets have a cosine
// of at least BurstOptions::similarity. When a ticket arrives and at least min_tickets - 1 similar
// tickets arrived within the window before it (min_tickets in all), a MajorIncident is raised;
// later similar tickets join it instead of raising another, until it goes quiet for a window.
//
// A BurstDetector holds the recent tickets of one tenant. It is not thread-safe: the caller
// serializes Observe calls per tenant (one detector per tenant, behind the tenant's lock).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "triage/similarity.h"
#include "triage/types.h"

namespace ticketwise::triage {

struct MajorIncident {
  std::uint64_t id = 0;                 // 1, 2, ... per detector
  std::string service;                  // the shared service, if the burst has one
  std::string summary;                  // text of the ticket that started the burst
  Seconds first_seen{};                 // earliest linked ticket
  Seconds last_seen{};                  // latest linked ticket
  std::vector<std::string> ticket_ids;  // linked tickets, in arrival order
};

// What one observed ticket did.
struct BurstEvent {
  bool raised = false;         // this ticket completed a burst: a new probable major incident
  bool linked = false;         // this ticket joined an existing one
  std::uint64_t incident = 0;  // the incident raised or joined (0: none)
};

class BurstDetector {
 public:
  explicit BurstDetector(BurstOptions options) : options_(options) {}

  // Records a ticket at `ticket.created_at`. Tickets may arrive slightly out of order; those older
  // than the window before the newest seen are only checked against open incidents.
  BurstEvent Observe(const TicketSignals& ticket);

  // Probable major incidents raised so far, oldest first.
  const std::vector<MajorIncident>& incidents() const { return incidents_; }

 private:
  struct Recent {
    std::string id;
    std::string service;  // lower case
    TokenSet words;
    Seconds at{};
    std::uint64_t incident = 0;
  };
  bool Similar(const Recent& a, const Recent& b) const;

  BurstOptions options_;
  std::deque<Recent> recent_;
  std::vector<MajorIncident> incidents_;
  Seconds newest_{};
};

}  // namespace ticketwise::triage
