// Triage::Prioritize: the priority score and its reasons (docs/decisions/0012-priority-signals.md).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "text/normalize.h"
#include "triage/triage.h"

namespace ticketwise::triage {
namespace {

constexpr double kNeutral = 3.0;  // P3: what a ticket with no evidence at all gets
constexpr double kTilt = 0.45;    // how far the head's spread may move its score within a level

// Urgency cues, matched at the start of a word of the normalized (case-folded) text, so that
// "outage" also finds "outages". English, German, French.
constexpr std::string_view kNotUrgent[] = {"not urgent",         "no rush",        "no hurry",
                                           "when you have time", "nicht dringend", "keine eile",
                                           "pas urgent",         "sans urgence"};
constexpr std::string_view kHighUrgency[] = {"outage",
                                             "is down",
                                             "are down",
                                             "went down",
                                             "system down",
                                             "server down",
                                             "service down",
                                             "cannot work",
                                             "can't work",
                                             "unable to work",
                                             "blocked",
                                             "blocking",
                                             "production",
                                             "all users",
                                             "everyone",
                                             "data loss",
                                             "security breach",
                                             "breach",
                                             "ransomware",
                                             "compromised",
                                             "malware",
                                             "hacked",
                                             "phishing",
                                             "urgent",
                                             "emergency",
                                             "critical",
                                             "ausfall",
                                             "ausgefallen",
                                             "dringend",
                                             "kann nicht arbeiten",
                                             "blockiert",
                                             "sicherheitsvorfall",
                                             "notfall",
                                             "stillstand",
                                             "panne",
                                             "bloqué",
                                             "impossible de travailler",
                                             "faille",
                                             "piratage",
                                             "en urgence",
                                             "critique"};
constexpr std::string_view kMediumUrgency[] = {"deadline",
                                               "by tomorrow",
                                               "end of day",
                                               "asap",
                                               "as soon as possible",
                                               "today",
                                               "not working",
                                               "error",
                                               "failed",
                                               "failing",
                                               "crash",
                                               "slow",
                                               "frist",
                                               "bis morgen",
                                               "heute",
                                               "funktioniert nicht",
                                               "fehler",
                                               "absturz",
                                               "langsam",
                                               "délai",
                                               "avant demain",
                                               "aujourd'hui",
                                               "ne fonctionne pas",
                                               "erreur",
                                               "lent"};
constexpr std::string_view kLowUrgency[] = {
    "question",          "how do i",           "how to",         "feature request", "suggestion",
    "information about", "would like to know", "frage",          "anfrage",         "vorschlag",
    "wie kann ich",      "renseignement",      "comment puis-je"};

// First cue of `cues` found at a word start of `text` (which is padded with a leading space).
std::string_view FindCue(std::string_view text, std::span<const std::string_view> cues) {
  for (std::string_view cue : cues) {
    std::size_t at = text.find(cue);
    while (at != std::string_view::npos) {
      const unsigned char before = static_cast<unsigned char>(text[at - 1]);
      const bool word_start =
          !((before >= 'a' && before <= 'z') || (before >= '0' && before <= '9') || before >= 0x80);
      if (word_start) return cue;
      at = text.find(cue, at + 1);
    }
  }
  return {};
}

std::string Fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

const char* ImpactName(int i) { return i == 1 ? "high" : i == 2 ? "medium" : "low"; }

}  // namespace

const char* PriorityName(Priority p) {
  switch (p) {
    case Priority::kP1:
      return "P1";
    case Priority::kP2:
      return "P2";
    case Priority::kP3:
      return "P3";
    case Priority::kP4:
      return "P4";
  }
  return "P3";
}

std::optional<Criticality> ParseCriticality(std::string_view name) {
  const std::string key = Lower(name);
  if (key == "critical") return Criticality::kCritical;
  if (key == "high") return Criticality::kHigh;
  if (key == "medium") return Criticality::kMedium;
  if (key == "low") return Criticality::kLow;
  return std::nullopt;
}

std::vector<std::optional<Priority>> PriorityLevels(
    std::span<const std::string> labels,
    std::span<const std::pair<std::string, Priority>> mapping) {
  bool jira_classic = false;
  for (const std::string& l : labels) jira_classic |= Lower(l) == "blocker";
  std::vector<std::optional<Priority>> out;
  out.reserve(labels.size());
  for (const std::string& label : labels) {
    const std::string key = Lower(label);
    std::optional<Priority> level;
    for (const auto& [name, p] : mapping)
      if (Lower(name) == key) level = p;
    if (!level) {
      if (key == "p1" || key == "1")
        level = Priority::kP1;
      else if (key == "p2" || key == "2")
        level = Priority::kP2;
      else if (key == "p3" || key == "3")
        level = Priority::kP3;
      else if (key == "p4" || key == "4")
        level = Priority::kP4;
      else if (jira_classic && key == "blocker")
        level = Priority::kP1;
      else if (jira_classic && key == "critical")
        level = Priority::kP2;
      else if (jira_classic && key == "major")
        level = Priority::kP3;
      else if (key == "critical" || key == "urgent" || key == "highest" || key == "blocker")
        level = Priority::kP1;
      else if (key == "high" || key == "major")
        level = Priority::kP2;
      else if (key == "medium" || key == "normal" || key == "moderate")
        level = Priority::kP3;
      else if (key == "low" || key == "lowest" || key == "minor" || key == "trivial")
        level = Priority::kP4;
    }
    out.push_back(level);
  }
  return out;
}

PriorityResult Triage::Prioritize(const TicketSignals& ticket, const RequesterContext& requester,
                                  std::span<const ActiveIncident> incidents, Seconds now) const {
  const PriorityWeights& w = config_.priority;
  PriorityResult out;
  double score = kNeutral;
  bool has_model = false;
  bool p1_alarm = false;  // the head's P(P1) reached the alarm level
  double p1 = 0.0;
  auto apply = [&](const char* signal, double delta, std::string detail) {
    if (delta == 0.0) return;
    score += delta;
    out.reasons.push_back({signal, delta, std::move(detail)});
  };

  // (a) The learned head: its most likely level, tilted by its spread within that level.
  if (!ticket.priority_head.empty()) {
    std::vector<std::string> labels;
    for (const LabelProb& lp : ticket.priority_head) labels.push_back(lp.label);
    const auto levels = PriorityLevels(labels, config_.priority_labels);
    double p[5] = {0, 0, 0, 0, 0};
    double total = 0.0;
    for (std::size_t i = 0; i < levels.size(); ++i) {
      const double pi = ticket.priority_head[i].p;
      if (!levels[i] || !std::isfinite(pi) || pi <= 0.0) continue;
      p[static_cast<int>(*levels[i])] += pi;
      total += pi;
    }
    if (total > 0.0) {
      int mode = 1;
      double expected = 0.0;
      for (int l = 1; l <= 4; ++l) {
        p[l] /= total;
        expected += l * p[l];
        if (p[l] > p[mode]) mode = l;
      }
      has_model = true;
      const double base = mode + std::clamp(expected - mode, -kTilt, kTilt);
      apply("model", base - score,
            std::string("learned head: most likely P") + std::to_string(mode) + " (p " +
                Fixed(p[mode]) + "), expected level " + Fixed(expected));
      p1_alarm = p[1] >= w.p1_probability;
      p1 = p[1];
    }
  }

  // (b) Impact x urgency. Impact: 1 high .. 3 low; urgency likewise.
  int impact = 2, urgency = 2;
  std::string impact_why, urgency_why;
  if (!ticket.service.empty()) {
    if (const Service* s = FindService(ticket.service)) {
      const int from_service = s->criticality == Criticality::kCritical ? 1
                               : s->criticality == Criticality::kLow    ? 3
                                                                        : 2;
      impact = from_service;
      impact_why = "service '" + s->name + "'";
    }
  }
  if (ticket.users_affected > 0) {
    const int from_users = ticket.users_affected >= 50 ? 1 : ticket.users_affected >= 5 ? 2 : 3;
    impact = impact_why.empty() ? from_users : std::min(impact, from_users);
    impact_why += (impact_why.empty() ? "" : ", ") + std::to_string(ticket.users_affected) +
                  " users affected";
  }
  const std::string folded = " " + text::Normalize(ticket.text);
  if (std::string_view cue = FindCue(folded, kNotUrgent); !cue.empty()) {
    urgency = 3;
    urgency_why = "'" + std::string(cue) + "'";
  } else if (cue = FindCue(folded, kHighUrgency); !cue.empty()) {
    urgency = 1;
    urgency_why = "'" + std::string(cue) + "'";
  } else if (cue = FindCue(folded, kMediumUrgency); !cue.empty()) {
    urgency = 2;
    urgency_why = "'" + std::string(cue) + "'";
  } else if (cue = FindCue(folded, kLowUrgency); !cue.empty()) {
    urgency = 3;
    urgency_why = "'" + std::string(cue) + "'";
  }
  const int axes = !impact_why.empty() + !urgency_why.empty();
  if (axes > 0) {
    const int matrix = std::min(impact + urgency - 1, 4);
    const double share = !has_model ? 1.0 : axes == 2 ? w.matrix : w.matrix_one_axis;
    std::string detail = "impact " + std::string(ImpactName(impact)) +
                         (impact_why.empty() ? " (assumed)" : " (" + impact_why + ")") +
                         " x urgency " + ImpactName(urgency) +
                         (urgency_why.empty() ? " (assumed)" : " (" + urgency_why + ")") + " = P" +
                         std::to_string(matrix);
    apply("matrix", share * (matrix - score), std::move(detail));
  }
  // The alarm is a floor the matrix cannot lift: the cost of a missed P1 outweighs the evidence
  // of a medium-looking text.
  if (p1_alarm && score > 1.0 + kTilt)
    apply("p1_alarm", (1.0 + kTilt) - score,
          "P(P1) " + Fixed(p1) + " reaches the P1 alarm level " + Fixed(w.p1_probability));

  // (c) The requester.
  const double before_requester = score;
  if (requester.vip) apply("vip", -w.vip, "requester is a VIP");
  if (requester.reopened_count > 0)
    apply("reopened", -w.reopened,
          std::to_string(requester.reopened_count) + " recently reopened ticket(s)");
  if (requester.repeat_contacts > 0)
    apply("repeat_contact", -w.repeat_contact,
          std::to_string(requester.repeat_contacts) + " earlier contact(s) about this problem");
  if (requester.tickets_last_7d >= w.frequent_tickets)
    apply("frequent_requester", -w.frequent_requester,
          std::to_string(requester.tickets_last_7d) + " tickets in the last 7 days");
  // History says something about the requester, not the problem: together it moves a ticket at
  // most requester_cap levels.
  if (score < before_requester - w.requester_cap)
    apply("requester_cap", before_requester - w.requester_cap - score,
          "requester signals capped at " + Fixed(w.requester_cap) + " level(s)");

  // (d) System status.
  const TokenSet words(ticket.text);
  out.linked_incidents = MatchIncidents(ticket, words, incidents, now);
  if (!out.linked_incidents.empty()) {
    std::string ids;
    for (const std::string& id : out.linked_incidents) ids += (ids.empty() ? "" : ", ") + id;
    apply("active_incident", -w.active_incident, "matches active incident(s) " + ids);
  }

  out.score = score;
  // Halves round towards the more urgent level: a tie is not a reason to risk a missed P1.
  const double level = std::clamp(std::ceil(score - 0.5), 1.0, 4.0);
  out.priority = static_cast<Priority>(static_cast<int>(level));
  return out;
}

std::vector<std::string> Triage::MatchIncidents(const TicketSignals& ticket, const TokenSet& words,
                                                std::span<const ActiveIncident> incidents,
                                                Seconds now) const {
  std::vector<std::string> ids;
  const std::string service = Lower(ticket.service);
  for (const ActiveIncident& inc : incidents) {
    if (now < inc.start || (inc.end && now >= *inc.end)) continue;
    bool match = !service.empty() && Lower(inc.service) == service;
    if (!match) {
      const TokenSet incident_words(inc.text);
      match = Coverage(incident_words, words) >= config_.priority.incident_similarity;
    }
    if (match) ids.push_back(inc.id);
  }
  return ids;
}

}  // namespace ticketwise::triage
