// Triage::Route and ping-pong detection (docs/decisions/0013-routing-score.md).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "triage/triage.h"

namespace ticketwise::triage {
namespace {

std::string Fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

double HeadProbability(const std::vector<LabelProb>& head, std::string_view label) {
  const std::string key = Lower(label);
  double p = 0.0;
  for (const LabelProb& lp : head)
    if (Lower(lp.label) == key && std::isfinite(lp.p)) p += std::clamp(lp.p, 0.0, 1.0);
  return std::min(p, 1.0);
}

}  // namespace

RoutingResult Triage::Route(const TicketSignals& ticket, std::span<const QueueLoad> loads,
                            Seconds now) const {
  const RoutingWeights& w = config_.routing;
  const std::size_t n = config_.queues.size();
  const int triage = QueueIndex(config_.triage_queue);

  // Which components have evidence for this ticket; the others are left out of the confidence.
  const bool has_team = !ticket.team_head.empty();
  bool owns_any = false, any_capacity = false;
  for (const Queue& q : config_.queues) {
    owns_any |= !q.categories.empty();
    any_capacity |= q.capacity > 0;
  }
  const bool has_category = !ticket.category_head.empty() && owns_any;
  const bool has_language = !ticket.language.empty();
  const TokenSet words(ticket.text);
  std::vector<double> similarity(n, 0.0);
  double best_similarity = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (static_cast<int>(i) == triage) continue;
    similarity[i] = Cosine(words, queue_words_[i]);
    best_similarity = std::max(best_similarity, similarity[i]);
  }
  const bool has_description = best_similarity > 0.0;
  const double evidence = (has_team ? w.team_fit : 0.0) + (has_category ? w.category : 0.0) +
                          (has_description ? w.description : 0.0) + (any_capacity ? w.load : 0.0) +
                          w.hours + (has_language ? w.language : 0.0);

  RoutingResult out;
  out.ping_pong = ticket.bounced_from.size() >= w.ping_pong_bounces;
  const std::string language = Lower(ticket.language);
  for (std::size_t i = 0; i < n; ++i) {
    if (static_cast<int>(i) == triage) continue;
    const Queue& q = config_.queues[i];
    QueueScore s;
    s.queue = q.name;
    if (has_team) s.team_fit = HeadProbability(ticket.team_head, q.name);
    if (has_category) {
      for (const std::string& cat : q.categories)
        s.category += HeadProbability(ticket.category_head, cat);
      s.category = std::min(s.category, 1.0);
    }
    if (has_description) s.description = similarity[i] / best_similarity;
    if (any_capacity) {
      std::uint32_t open = 0;
      for (const QueueLoad& l : loads)
        if (Lower(l.queue) == queue_keys_[i]) open = l.open_tickets;
      s.load = q.capacity == 0 ? 0.5
                               : std::clamp(1.0 - static_cast<double>(open) / q.capacity, 0.0, 1.0);
    }
    s.hours = IsOpenAt(i, now) ? 1.0 : 0.0;
    if (has_language) {
      s.language = q.languages.empty() ? 1.0 : 0.0;
      for (const std::string& l : q.languages)
        if (l == language) s.language = 1.0;
    }
    std::uint32_t bounces = 0;
    for (const std::string& b : ticket.bounced_from) bounces += Lower(b) == queue_keys_[i];
    s.bounce_penalty = w.bounce_penalty * bounces;
    s.total = w.team_fit * s.team_fit + w.category * s.category + w.description * s.description +
              w.load * s.load + w.hours * s.hours + w.language * s.language - s.bounce_penalty;
    out.ranked.push_back(std::move(s));
  }
  // Best first; equal totals keep configuration order, so the result is deterministic.
  std::stable_sort(out.ranked.begin(), out.ranked.end(),
                   [](const QueueScore& a, const QueueScore& b) { return a.total > b.total; });

  const std::string& fallback = config_.queues[static_cast<std::size_t>(triage)].name;
  if (out.ranked.empty()) {
    out.queue = fallback;
    out.to_triage_queue = true;
    out.reason = "no queue other than the triage queue is configured";
    return out;
  }
  const QueueScore& top = out.ranked.front();
  out.confidence = evidence > 0.0 ? std::clamp(top.total / evidence, 0.0, 1.0) : 0.0;
  if (out.ranked.size() >= 2 && top.total - out.ranked[1].total < w.min_margin) {
    out.queue = fallback;
    out.to_triage_queue = true;
    out.reason = "too close to call: '" + top.queue + "' " + Fixed(top.total) + " and '" +
                 out.ranked[1].queue + "' " + Fixed(out.ranked[1].total) + " differ by less than " +
                 Fixed(w.min_margin);
    return out;
  }
  if (out.confidence < w.min_confidence) {
    out.queue = fallback;
    out.to_triage_queue = true;
    out.reason = "low confidence: best queue '" + top.queue + "' scores " + Fixed(out.confidence) +
                 " of the evidence, below " + Fixed(w.min_confidence);
    return out;
  }
  out.queue = top.queue;
  out.reason = "best composite score " + Fixed(top.total);
  if (out.ranked.size() >= 2)
    out.reason +=
        ", ahead of '" + out.ranked[1].queue + "' by " + Fixed(top.total - out.ranked[1].total);
  return out;
}

std::optional<PingPongAlert> DetectPingPong(std::string_view ticket_id,
                                            std::span<const std::string> assignments,
                                            std::uint32_t threshold) {
  std::uint32_t moves = 0;
  for (std::size_t i = 1; i < assignments.size(); ++i)
    moves += Lower(assignments[i]) != Lower(assignments[i - 1]);
  if (moves < threshold || threshold == 0) return std::nullopt;
  PingPongAlert alert;
  alert.ticket_id = std::string(ticket_id);
  alert.bounces = moves;
  alert.queues.assign(assignments.begin(), assignments.end());
  return alert;
}

}  // namespace ticketwise::triage
