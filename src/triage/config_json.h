// JSON form of the triage configuration and of declared incidents, for files and the HTTP API.
// The scoring code never sees JSON: these functions turn text into the plain structs of types.h.
// Parsing checks shape (types, unknown keys, hour and time formats); Triage::Create then checks
// meaning (unknown queues, time zones, contradictory hours). Pure functions, thread-safe.
//
// Configuration:
//   {"triage_queue": "Service Desk",
//    "services": [{"name": "payroll", "criticality": "critical"}],
//    "queues": [{"name": "Network", "description": "VPN, Wi-Fi, firewall", "categories":
//    ["Network"],
//                "skills": ["cisco"], "capacity": 40, "languages": ["en", "de"], "on_call": false,
//                "hours": {"time_zone": "Europe/Berlin",
//                          "weekly": [{"days": "mon-fri", "open": "08:00", "close": "18:00"}]}}],
//    "priority": {"vip": 0.5, ...}, "routing": {"min_margin": 0.03, ...},
//    "burst": {"min_tickets": 5, "window_minutes": 30, "similarity": 0.5},
//    "priority_labels": {"Blocker": "P1", "Critical": "P2"}}
// Every key but "queues" and "triage_queue" is optional; unknown keys are errors.
//
// Incidents: [{"id": "INC-1", "service": "vpn", "text": "VPN gateway outage",
//              "start": "2026-12-03T08:00:00Z", "end": null, "priority": "P1"}]
#pragma once

#include <string_view>
#include <vector>

#include "ticketwise/status.h"
#include "triage/types.h"

namespace ticketwise::triage {

Result<TriageConfig> ParseTriageConfigJson(std::string_view json);

Result<std::vector<ActiveIncident>> ParseIncidentsJson(std::string_view json);

// "2026-12-03T08:00:00Z", "2026-12-03T09:00:00+01:00", "2026-12-03T08:00Z" (seconds optional).
Result<Seconds> ParseUtcTime(std::string_view text);

// "P1".."P4" (any case).
std::optional<Priority> ParsePriority(std::string_view text);

}  // namespace ticketwise::triage
