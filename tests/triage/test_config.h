// A small tenant configuration shared by the triage tests: two services, three working queues and
// a triage queue, all in UTC and open every day, so that each test changes one thing.
#pragma once

#include <chrono>

#include "triage/triage.h"

namespace ticketwise::triage::testing {

inline Seconds At(int y, unsigned m, unsigned d, int h, int min = 0) {
  using namespace std::chrono;
  return sys_seconds(sys_days(year(y) / month(m) / day(d))) + hours(h) + minutes(min);
}

inline Queue OpenQueue(std::string name, std::string description) {
  Queue q;
  q.name = std::move(name);
  q.description = std::move(description);
  q.capacity = 10;
  return q;
}

inline TriageConfig BaseConfig() {
  TriageConfig c;
  c.services = {{"payroll", Criticality::kCritical}, {"wiki", Criticality::kLow}};
  c.queues = {OpenQueue("Service Desk", "first line support"), OpenQueue("Alpha", ""),
              OpenQueue("Beta", "")};
  c.triage_queue = "Service Desk";
  return c;
}

}  // namespace ticketwise::triage::testing
