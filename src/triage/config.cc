// Triage::Create: every check of a tenant's configuration, so that triage itself never fails.
#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include "triage/triage.h"

namespace ticketwise::triage {
namespace {

const char* const kDayNames[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                 "Friday", "Saturday", "Sunday"};

Status CheckWeight(double value, const char* name, double lo, double hi) {
  if (!std::isfinite(value) || value < lo || value > hi)
    return Status::InvalidArgument(std::string(name) + " must be between " + std::to_string(lo) +
                                   " and " + std::to_string(hi));
  return Status::Ok();
}

Status CheckWeights(const TriageConfig& c) {
  const PriorityWeights& p = c.priority;
  const RoutingWeights& r = c.routing;
  const std::pair<double, const char*> levels[] = {
      {p.vip, "priority.vip"},
      {p.reopened, "priority.reopened"},
      {p.repeat_contact, "priority.repeat_contact"},
      {p.frequent_requester, "priority.frequent_requester"},
      {p.active_incident, "priority.active_incident"},
      {p.requester_cap, "priority.requester_cap"}};
  for (const auto& [v, name] : levels)
    if (Status s = CheckWeight(v, name, 0.0, 3.0); !s.ok()) return s;
  const std::pair<double, const char*> shares[] = {{p.matrix, "priority.matrix"},
                                                   {p.matrix_one_axis, "priority.matrix_one_axis"},
                                                   {r.team_fit, "routing.team_fit"},
                                                   {r.category, "routing.category"},
                                                   {r.description, "routing.description"},
                                                   {r.load, "routing.load"},
                                                   {r.hours, "routing.hours"},
                                                   {r.language, "routing.language"},
                                                   {r.min_margin, "routing.min_margin"},
                                                   {r.min_confidence, "routing.min_confidence"}};
  for (const auto& [v, name] : shares)
    if (Status s = CheckWeight(v, name, 0.0, 1.0); !s.ok()) return s;
  const std::pair<double, const char*> positive[] = {
      {p.incident_similarity, "priority.incident_similarity"},
      {p.p1_probability, "priority.p1_probability"},
      {c.burst.similarity, "burst.similarity"}};
  for (const auto& [v, name] : positive) {
    if (Status s = CheckWeight(v, name, 0.0, 1.0); !s.ok()) return s;
    if (v == 0.0) return Status::InvalidArgument(std::string(name) + " must be above 0");
  }
  if (Status s = CheckWeight(r.bounce_penalty, "routing.bounce_penalty", 0.0, 10.0); !s.ok())
    return s;
  if (r.team_fit + r.category + r.description + r.load + r.hours + r.language <= 0.0)
    return Status::InvalidArgument("routing weights are all zero: no queue could be scored");
  if (r.ping_pong_bounces < 1)
    return Status::InvalidArgument("routing.ping_pong_bounces must be at least 1");
  if (p.frequent_tickets < 1)
    return Status::InvalidArgument("priority.frequent_tickets must be at least 1");
  if (c.burst.min_tickets < 2)
    return Status::InvalidArgument("burst.min_tickets must be at least 2");
  if (c.burst.window <= std::chrono::seconds(0))
    return Status::InvalidArgument("burst.window must be positive");
  return Status::Ok();
}

Status CheckHours(const Queue& q) {
  const std::string where = "queue '" + q.name + "': ";
  std::vector<OpeningInterval> sorted = q.hours.intervals;
  for (const OpeningInterval& i : sorted) {
    if (i.weekday > 6) return Status::InvalidArgument(where + "weekday must be 0 (Monday) to 6");
    if (i.close_minute > 1440 || i.open_minute >= 1440)
      return Status::InvalidArgument(where + "opening hours must lie within 00:00-24:00");
    if (i.open_minute >= i.close_minute)
      return Status::InvalidArgument(
          where + "contradictory hours on " + kDayNames[i.weekday] +
          ": closes before it opens (split a night shift over two days: 22:00-24:00, 00:00-06:00)");
  }
  std::sort(sorted.begin(), sorted.end(), [](const OpeningInterval& a, const OpeningInterval& b) {
    return std::tie(a.weekday, a.open_minute) < std::tie(b.weekday, b.open_minute);
  });
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    if (sorted[i].weekday == sorted[i - 1].weekday &&
        sorted[i].open_minute < sorted[i - 1].close_minute)
      return Status::InvalidArgument(where + "contradictory hours on " +
                                     kDayNames[sorted[i].weekday] + ": two intervals overlap");
  }
  return Status::Ok();
}

bool ValidLanguage(std::string_view code) {
  if (code.size() < 2 || code.size() > 3) return false;
  return std::all_of(code.begin(), code.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

}  // namespace

Result<Triage> Triage::Create(TriageConfig config, const TimeZoneLoader& zones) {
  if (config.queues.empty())
    return Fail(Status::InvalidArgument("the configuration has no queues"));
  if (Status s = CheckWeights(config); !s.ok()) return Fail(s);

  Triage t;
  std::set<std::string> seen;
  for (const Service& s : config.services) {
    if (s.name.empty()) return Fail(Status::InvalidArgument("a service has no name"));
    if (!seen.insert(Lower(s.name)).second)
      return Fail(Status::InvalidArgument("service '" + s.name + "' is listed twice"));
    t.service_keys_.push_back(Lower(s.name));
  }
  seen.clear();
  for (const Queue& q : config.queues) {
    if (q.name.empty()) return Fail(Status::InvalidArgument("a queue has no name"));
    if (!seen.insert(Lower(q.name)).second)
      return Fail(Status::InvalidArgument("queue '" + q.name + "' is listed twice"));
    for (const std::string& lang : q.languages)
      if (!ValidLanguage(lang))
        return Fail(Status::InvalidArgument("queue '" + q.name + "': language '" + lang +
                                            "' is not a lower-case ISO 639 code"));
    for (const std::string& cat : q.categories)
      if (cat.empty())
        return Fail(Status::InvalidArgument("queue '" + q.name + "' owns an empty category"));
    if (Status s = CheckHours(q); !s.ok()) return Fail(s);
    auto zone = zones.Load(q.hours.time_zone);
    if (!zone) return Fail(zone.error().WithContext("queue '" + q.name + "'"));
    t.zones_.push_back(std::move(*zone));
    std::string words = q.description;
    for (const std::string& skill : q.skills) words += " " + skill;
    t.queue_words_.emplace_back(words);
    t.queue_keys_.push_back(Lower(q.name));
  }
  if (config.triage_queue.empty())
    return Fail(Status::InvalidArgument("triage_queue is not set: routing needs a fallback queue"));
  if (!seen.contains(Lower(config.triage_queue)))
    return Fail(Status::NotFound("triage_queue '" + config.triage_queue +
                                 "' is not one of the configured queues"));
  std::set<std::string> labels;
  for (const auto& [label, level] : config.priority_labels) {
    if (label.empty()) return Fail(Status::InvalidArgument("a priority label is empty"));
    if (level < Priority::kP1 || level > Priority::kP4)
      return Fail(Status::InvalidArgument("priority label '" + label + "' maps outside P1-P4"));
    if (!labels.insert(Lower(label)).second)
      return Fail(Status::InvalidArgument("priority label '" + label + "' is mapped twice"));
  }
  t.config_ = std::move(config);
  return t;
}

Status Triage::ValidateIncident(const ActiveIncident& incident) const {
  if (incident.id.empty()) return Status::InvalidArgument("the incident has no id");
  if (incident.service.empty() && TokenSet(incident.text).empty())
    return Status::InvalidArgument("incident '" + incident.id +
                                   "' names no service and has no text to match tickets by");
  if (!incident.service.empty() && FindService(incident.service) == nullptr)
    return Status::NotFound("incident '" + incident.id + "': unknown service '" + incident.service +
                            "'");
  if (incident.end && *incident.end <= incident.start)
    return Status::InvalidArgument("incident '" + incident.id + "' ends before it starts");
  if (incident.priority < Priority::kP1 || incident.priority > Priority::kP4)
    return Status::InvalidArgument("incident '" + incident.id + "' has no valid priority");
  return Status::Ok();
}

Status Triage::CheckHeads(std::span<const std::string> team_labels,
                          std::span<const std::string> category_labels) const {
  if (!team_labels.empty()) {
    const bool any = std::any_of(team_labels.begin(), team_labels.end(),
                                 [&](const std::string& l) { return QueueIndex(l) >= 0; });
    if (!any)
      return Status::InvalidArgument(
          "none of the team model's " + std::to_string(team_labels.size()) +
          " labels names a configured queue (first: '" + team_labels.front() + "')");
  }
  if (!category_labels.empty()) {
    std::set<std::string> known;
    for (const std::string& l : category_labels) known.insert(Lower(l));
    for (const Queue& q : config_.queues)
      for (const std::string& cat : q.categories)
        if (!known.contains(Lower(cat)))
          return Status::NotFound("queue '" + q.name + "' owns category '" + cat +
                                  "', which the category model does not know");
  }
  return Status::Ok();
}

int Triage::QueueIndex(std::string_view name) const {
  const std::string key = Lower(name);
  for (std::size_t i = 0; i < queue_keys_.size(); ++i)
    if (queue_keys_[i] == key) return static_cast<int>(i);
  return -1;
}

const Service* Triage::FindService(std::string_view name) const {
  const std::string key = Lower(name);
  for (std::size_t i = 0; i < service_keys_.size(); ++i)
    if (service_keys_[i] == key) return &config_.services[i];
  return nullptr;
}

bool Triage::IsOpen(std::string_view queue, Seconds now) const {
  const int i = QueueIndex(queue);
  return i >= 0 && IsOpenAt(static_cast<std::size_t>(i), now);
}

bool Triage::IsOpenAt(std::size_t queue, Seconds now) const {
  const Queue& q = config_.queues[queue];
  if (q.on_call || q.hours.intervals.empty()) return true;
  using namespace std::chrono;
  const local_seconds local = zones_[queue].ToLocal(now);
  const local_days day = floor<days>(local);
  const unsigned weekday = std::chrono::weekday(day).iso_encoding() - 1;
  const auto minute = duration_cast<minutes>(local - day).count();
  for (const OpeningInterval& i : q.hours.intervals)
    if (i.weekday == weekday && minute >= i.open_minute && minute < i.close_minute) return true;
  return false;
}

}  // namespace ticketwise::triage
