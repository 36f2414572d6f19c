#include "triage/incidents.h"

#include <algorithm>

namespace ticketwise::triage {

bool BurstDetector::Similar(const Recent& a, const Recent& b) const {
  if (!a.service.empty() && a.service == b.service) return true;
  return Cosine(a.words, b.words) >= options_.similarity;
}

BurstEvent BurstDetector::Observe(const TicketSignals& ticket) {
  Recent now{ticket.id, Lower(ticket.service), TokenSet(ticket.text), ticket.created_at, 0};
  newest_ = std::max(newest_, now.at);
  while (!recent_.empty() && recent_.front().at + options_.window < newest_) recent_.pop_front();

  BurstEvent event;
  std::vector<std::size_t> similar;
  for (std::size_t i = 0; i < recent_.size(); ++i) {
    const Recent& r = recent_[i];
    const auto gap = r.at > now.at ? r.at - now.at : now.at - r.at;
    if (gap > options_.window || !Similar(r, now)) continue;
    similar.push_back(i);
    // Join the most recent open incident among the similar tickets.
    if (r.incident != 0) now.incident = std::max(now.incident, r.incident);
  }
  if (now.incident != 0) {
    MajorIncident& inc = incidents_[now.incident - 1];
    inc.ticket_ids.push_back(now.id);
    inc.first_seen = std::min(inc.first_seen, now.at);
    inc.last_seen = std::max(inc.last_seen, now.at);
    event.linked = true;
    event.incident = now.incident;
  } else if (similar.size() + 1 >= options_.min_tickets) {
    MajorIncident inc;
    inc.id = incidents_.size() + 1;
    inc.first_seen = inc.last_seen = now.at;
    for (std::size_t i : similar) {
      Recent& r = recent_[i];
      r.incident = inc.id;
      inc.ticket_ids.push_back(r.id);
      inc.first_seen = std::min(inc.first_seen, r.at);
      inc.last_seen = std::max(inc.last_seen, r.at);
      if (inc.service.empty() && r.service == now.service) inc.service = ticket.service;
    }
    inc.ticket_ids.push_back(now.id);
    std::size_t cut = std::min<std::size_t>(ticket.text.size(), 200);
    while (cut < ticket.text.size() && cut > 0 && (ticket.text[cut] & 0xC0) == 0x80) --cut;
    inc.summary = ticket.text.substr(0, cut);
    now.incident = inc.id;
    incidents_.push_back(std::move(inc));
    event.raised = true;
    event.incident = now.incident;
  }
  recent_.push_back(std::move(now));
  return event;
}

}  // namespace ticketwise::triage
