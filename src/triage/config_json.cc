// JSON -> TriageConfig and incidents. nlohmann throws on some misuse; this file checks every type
// before reading it and catches what is left at its boundary, so nothing escapes as an exception.
#include "triage/config_json.h"

#include <cmath>
#include <exception>
#include <initializer_list>
#include <nlohmann/json.hpp>

#include "triage/similarity.h"

namespace ticketwise::triage {
namespace {

using nlohmann::json;

Status Bad(const std::string& where, const std::string& what) {
  return Status::InvalidArgument(where + ": " + what);
}

Status OnlyKeys(const json& obj, const std::string& where,
                std::initializer_list<std::string_view> keys) {
  if (!obj.is_object()) return Bad(where, "must be an object");
  for (const auto& item : obj.items()) {
    bool known = false;
    for (std::string_view k : keys) known |= item.key() == k;
    if (!known) return Bad(where, "unknown key '" + item.key() + "'");
  }
  return Status::Ok();
}

Status GetString(const json& obj, const char* key, const std::string& where, std::string* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) return Bad(where + "." + key, "must be a string");
  *out = it->get<std::string>();
  return Status::Ok();
}

Status GetStrings(const json& obj, const char* key, const std::string& where,
                  std::vector<std::string>* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return Bad(where + "." + key, "must be an array of strings");
  for (const json& v : *it) {
    if (!v.is_string()) return Bad(where + "." + key, "must be an array of strings");
    out->push_back(v.get<std::string>());
  }
  return Status::Ok();
}

Status GetNumber(const json& obj, const char* key, const std::string& where, double* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Status::Ok();
  if (!it->is_number()) return Bad(where + "." + key, "must be a number");
  const double v = it->get<double>();
  if (!std::isfinite(v)) return Bad(where + "." + key, "must be finite");
  *out = v;
  return Status::Ok();
}

Status GetCount(const json& obj, const char* key, const std::string& where, std::uint32_t* out) {
  double v = *out;
  if (Status s = GetNumber(obj, key, where, &v); !s.ok()) return s;
  if (v < 0 || v > 1e9 || v != std::floor(v))
    return Bad(where + "." + key, "must be a whole number from 0 to 10^9");
  *out = static_cast<std::uint32_t>(v);
  return Status::Ok();
}

Status GetBool(const json& obj, const char* key, const std::string& where, bool* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Status::Ok();
  if (!it->is_boolean()) return Bad(where + "." + key, "must be true or false");
  *out = it->get<bool>();
  return Status::Ok();
}

// "HH:MM", 00:00 to 24:00.
Result<std::uint16_t> ParseClock(std::string_view s, const std::string& where) {
  if (s.size() != 5 || s[2] != ':')
    return Fail(Bad(where, "time must be HH:MM, got '" + std::string(s) + "'"));
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!digit(s[0]) || !digit(s[1]) || !digit(s[3]) || !digit(s[4]))
    return Fail(Bad(where, "time must be HH:MM, got '" + std::string(s) + "'"));
  const int h = (s[0] - '0') * 10 + (s[1] - '0');
  const int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0))
    return Fail(Bad(where, "'" + std::string(s) + "' is not a time of day"));
  return static_cast<std::uint16_t>(h * 60 + m);
}

int DayIndex(std::string_view d) {
  static constexpr std::string_view kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  for (int i = 0; i < 7; ++i)
    if (d == kDays[i]) return i;
  return -1;
}

// "mon", "mon-fri", or an array of those.
Status ParseDays(const json& v, const std::string& where, std::vector<int>* days) {
  std::vector<std::string> items;
  if (v.is_string()) {
    items.push_back(v.get<std::string>());
  } else if (v.is_array()) {
    for (const json& d : v) {
      if (!d.is_string()) return Bad(where, "days must be strings like \"mon\" or \"mon-fri\"");
      items.push_back(d.get<std::string>());
    }
  } else {
    return Bad(where, "days must be a string or an array of strings");
  }
  for (const std::string& item : items) {
    const std::size_t dash = item.find('-');
    const int a = DayIndex(Lower(item.substr(0, dash)));
    const int b = dash == std::string::npos ? a : DayIndex(Lower(item.substr(dash + 1)));
    if (a < 0 || b < 0)
      return Bad(where, "'" + item + "' is not a day or range of days (mon..sun)");
    if (b < a) return Bad(where, "day range '" + item + "' runs backwards");
    for (int d = a; d <= b; ++d) days->push_back(d);
  }
  if (days->empty()) return Bad(where, "no days given");
  return Status::Ok();
}

Status ParseHours(const json& obj, const std::string& where, BusinessHours* out) {
  if (Status s = OnlyKeys(obj, where, {"time_zone", "weekly"}); !s.ok()) return s;
  if (Status s = GetString(obj, "time_zone", where, &out->time_zone); !s.ok()) return s;
  auto it = obj.find("weekly");
  if (it == obj.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return Bad(where + ".weekly", "must be an array");
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& e = (*it)[i];
    const std::string w = where + ".weekly[" + std::to_string(i) + "]";
    if (Status s = OnlyKeys(e, w, {"days", "open", "close"}); !s.ok()) return s;
    if (!e.contains("days") || !e.contains("open") || !e.contains("close"))
      return Bad(w, "needs days, open and close");
    if (!e["open"].is_string() || !e["close"].is_string())
      return Bad(w, "open and close must be \"HH:MM\" strings");
    std::vector<int> days;
    if (Status s = ParseDays(e["days"], w + ".days", &days); !s.ok()) return s;
    auto open = ParseClock(e["open"].get<std::string>(), w + ".open");
    if (!open) return open.error();
    auto close = ParseClock(e["close"].get<std::string>(), w + ".close");
    if (!close) return close.error();
    for (int d : days) out->intervals.push_back({static_cast<std::uint8_t>(d), *open, *close});
  }
  return Status::Ok();
}

Status ParseQueue(const json& q, const std::string& where, Queue* out) {
  if (Status s = OnlyKeys(q, where,
                          {"name", "description", "categories", "skills", "capacity", "languages",
                           "on_call", "hours"});
      !s.ok())
    return s;
  Status s = GetString(q, "name", where, &out->name);
  if (s.ok()) s = GetString(q, "description", where, &out->description);
  if (s.ok()) s = GetStrings(q, "categories", where, &out->categories);
  if (s.ok()) s = GetStrings(q, "skills", where, &out->skills);
  if (s.ok()) s = GetCount(q, "capacity", where, &out->capacity);
  if (s.ok()) s = GetStrings(q, "languages", where, &out->languages);
  if (s.ok()) s = GetBool(q, "on_call", where, &out->on_call);
  if (s.ok() && q.contains("hours") && !q["hours"].is_null())
    s = ParseHours(q["hours"], where + ".hours", &out->hours);
  return s;
}

Status ParseWeights(const json& root, TriageConfig* c) {
  if (auto it = root.find("priority"); it != root.end()) {
    PriorityWeights& p = c->priority;
    const std::string w = "priority";
    if (Status s = OnlyKeys(*it, w,
                            {"matrix", "matrix_one_axis", "vip", "reopened", "repeat_contact",
                             "frequent_requester", "frequent_tickets", "active_incident",
                             "incident_similarity", "p1_probability", "requester_cap"});
        !s.ok())
      return s;
    for (auto [key, field] : {std::pair{"matrix", &p.matrix},
                              {"matrix_one_axis", &p.matrix_one_axis},
                              {"vip", &p.vip},
                              {"reopened", &p.reopened},
                              {"repeat_contact", &p.repeat_contact},
                              {"frequent_requester", &p.frequent_requester},
                              {"active_incident", &p.active_incident},
                              {"requester_cap", &p.requester_cap},
                              {"incident_similarity", &p.incident_similarity},
                              {"p1_probability", &p.p1_probability}})
      if (Status s = GetNumber(*it, key, w, field); !s.ok()) return s;
    if (Status s = GetCount(*it, "frequent_tickets", w, &p.frequent_tickets); !s.ok()) return s;
  }
  if (auto it = root.find("routing"); it != root.end()) {
    RoutingWeights& r = c->routing;
    const std::string w = "routing";
    if (Status s =
            OnlyKeys(*it, w,
                     {"team_fit", "category", "description", "load", "hours", "language",
                      "bounce_penalty", "min_margin", "min_confidence", "ping_pong_bounces"});
        !s.ok())
      return s;
    for (auto [key, field] : {std::pair{"team_fit", &r.team_fit},
                              {"category", &r.category},
                              {"description", &r.description},
                              {"load", &r.load},
                              {"hours", &r.hours},
                              {"language", &r.language},
                              {"bounce_penalty", &r.bounce_penalty},
                              {"min_margin", &r.min_margin},
                              {"min_confidence", &r.min_confidence}})
      if (Status s = GetNumber(*it, key, w, field); !s.ok()) return s;
    if (Status s = GetCount(*it, "ping_pong_bounces", w, &r.ping_pong_bounces); !s.ok()) return s;
  }
  if (auto it = root.find("burst"); it != root.end()) {
    const std::string w = "burst";
    if (Status s = OnlyKeys(*it, w, {"min_tickets", "window_minutes", "similarity"}); !s.ok())
      return s;
    if (Status s = GetCount(*it, "min_tickets", w, &c->burst.min_tickets); !s.ok()) return s;
    std::uint32_t minutes = static_cast<std::uint32_t>(
        std::chrono::duration_cast<std::chrono::minutes>(c->burst.window).count());
    if (Status s = GetCount(*it, "window_minutes", w, &minutes); !s.ok()) return s;
    c->burst.window = std::chrono::minutes(minutes);
    if (Status s = GetNumber(*it, "similarity", w, &c->burst.similarity); !s.ok()) return s;
  }
  return Status::Ok();
}

Result<TriageConfig> ParseConfig(const json& root) {
  if (Status s = OnlyKeys(root, "configuration",
                          {"triage_queue", "services", "queues", "priority", "routing", "burst",
                           "priority_labels"});
      !s.ok())
    return Fail(s);
  TriageConfig c;
  if (Status s = GetString(root, "triage_queue", "configuration", &c.triage_queue); !s.ok())
    return Fail(s);
  if (auto it = root.find("services"); it != root.end() && !it->is_null()) {
    if (!it->is_array()) return Fail(Bad("services", "must be an array"));
    for (std::size_t i = 0; i < it->size(); ++i) {
      const std::string w = "services[" + std::to_string(i) + "]";
      const json& e = (*it)[i];
      if (Status s = OnlyKeys(e, w, {"name", "criticality"}); !s.ok()) return Fail(s);
      Service svc;
      std::string crit = "medium";
      if (Status s = GetString(e, "name", w, &svc.name); !s.ok()) return Fail(s);
      if (Status s = GetString(e, "criticality", w, &crit); !s.ok()) return Fail(s);
      const auto parsed = ParseCriticality(crit);
      if (!parsed)
        return Fail(Bad(w + ".criticality", "'" + crit + "' is not critical, high, medium or low"));
      svc.criticality = *parsed;
      c.services.push_back(std::move(svc));
    }
  }
  auto queues = root.find("queues");
  if (queues == root.end() || !queues->is_array())
    return Fail(Bad("configuration", "'queues' must be an array of queues"));
  for (std::size_t i = 0; i < queues->size(); ++i) {
    Queue q;
    if (Status s = ParseQueue((*queues)[i], "queues[" + std::to_string(i) + "]", &q); !s.ok())
      return Fail(s);
    c.queues.push_back(std::move(q));
  }
  if (Status s = ParseWeights(root, &c); !s.ok()) return Fail(s);
  if (auto it = root.find("priority_labels"); it != root.end() && !it->is_null()) {
    if (!it->is_object()) return Fail(Bad("priority_labels", "must be an object"));
    for (const auto& item : it->items()) {
      const auto p =
          item.value().is_string() ? ParsePriority(item.value().get<std::string>()) : std::nullopt;
      if (!p) return Fail(Bad("priority_labels." + item.key(), "must be \"P1\" to \"P4\""));
      c.priority_labels.emplace_back(item.key(), *p);
    }
  }
  return c;
}

Result<std::vector<ActiveIncident>> ParseIncidents(const json& root) {
  if (!root.is_array()) return Fail(Bad("incidents", "must be an array"));
  std::vector<ActiveIncident> out;
  for (std::size_t i = 0; i < root.size(); ++i) {
    const std::string w = "incidents[" + std::to_string(i) + "]";
    const json& e = root[i];
    if (Status s = OnlyKeys(e, w, {"id", "service", "text", "start", "end", "priority"}); !s.ok())
      return Fail(s);
    ActiveIncident inc;
    std::string start, end, priority = "P1";
    Status s = GetString(e, "id", w, &inc.id);
    if (s.ok()) s = GetString(e, "service", w, &inc.service);
    if (s.ok()) s = GetString(e, "text", w, &inc.text);
    if (s.ok()) s = GetString(e, "start", w, &start);
    if (s.ok()) s = GetString(e, "end", w, &end);
    if (s.ok()) s = GetString(e, "priority", w, &priority);
    if (!s.ok()) return Fail(s);
    auto t0 = ParseUtcTime(start);
    if (!t0) return Fail(t0.error().WithContext(w + ".start"));
    inc.start = *t0;
    if (!end.empty()) {
      auto t1 = ParseUtcTime(end);
      if (!t1) return Fail(t1.error().WithContext(w + ".end"));
      inc.end = *t1;
    }
    const auto p = ParsePriority(priority);
    if (!p) return Fail(Bad(w + ".priority", "must be \"P1\" to \"P4\""));
    inc.priority = *p;
    out.push_back(std::move(inc));
  }
  return out;
}

template <class T, class F>
Result<T> WithJson(std::string_view text, F&& f) {
  try {
    const json root = json::parse(text.begin(), text.end());
    return f(root);
  } catch (const json::parse_error& e) {
    return Fail(Status::InvalidArgument("malformed JSON at byte " + std::to_string(e.byte)));
  } catch (const std::exception& e) {
    return Fail(Status::InvalidArgument(std::string("malformed JSON: ") + e.what()));
  }
}

}  // namespace

Result<TriageConfig> ParseTriageConfigJson(std::string_view text) {
  return WithJson<TriageConfig>(text, ParseConfig);
}

Result<std::vector<ActiveIncident>> ParseIncidentsJson(std::string_view text) {
  return WithJson<std::vector<ActiveIncident>>(text, ParseIncidents);
}

std::optional<Priority> ParsePriority(std::string_view text) {
  const std::string key = Lower(text);
  if (key == "p1") return Priority::kP1;
  if (key == "p2") return Priority::kP2;
  if (key == "p3") return Priority::kP3;
  if (key == "p4") return Priority::kP4;
  return std::nullopt;
}

Result<Seconds> ParseUtcTime(std::string_view s) {
  const Status bad = Status::InvalidArgument("'" + std::string(s.substr(0, 40)) +
                                             "' is not a time like 2026-12-03T08:00:00Z");
  auto num = [&](std::size_t at, std::size_t len, int* out) {
    if (at + len > s.size()) return false;
    int v = 0;
    for (std::size_t i = at; i < at + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!num(0, 4, &y) || s.size() < 16 || s[4] != '-' || !num(5, 2, &mo) || s[7] != '-' ||
      !num(8, 2, &d) || (s[10] != 'T' && s[10] != ' ') || !num(11, 2, &h) || s[13] != ':' ||
      !num(14, 2, &mi))
    return Fail(bad);
  std::size_t at = 16;
  if (at < s.size() && s[at] == ':') {
    if (!num(at + 1, 2, &sec)) return Fail(bad);
    at += 3;
  }
  int offset = 0;
  if (at < s.size() && (s[at] == 'Z' || s[at] == 'z')) {
    ++at;
  } else if (at < s.size() && (s[at] == '+' || s[at] == '-')) {
    int oh = 0, om = 0;
    if (!num(at + 1, 2, &oh) || at + 3 >= s.size() || s[at + 3] != ':' || !num(at + 4, 2, &om) ||
        oh > 23 || om > 59)
      return Fail(bad);
    offset = (s[at] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    at += 6;
  } else {
    return Fail(bad);
  }
  if (at != s.size()) return Fail(bad);
  using namespace std::chrono;
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)),
                           day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return Fail(bad);
  return sys_seconds(sys_days(ymd)) + hours(h) + minutes(mi) + seconds(sec) - seconds(offset);
}

}  // namespace ticketwise::triage
