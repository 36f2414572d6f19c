// Plain input and output types of triage: the tenant's configuration (services, queues, weights),
// the per-ticket signals the caller gathers (learned-head probabilities, requester history, active
// incidents, queue load), and the explained results.
//
// Everything here is a value type with no behaviour and no I/O: the store, the HTTP layer or the
// CLI fill these structs, and the scoring code in priority.h and routing.h reads them. Copyable,
// and safe to share between threads when not mutated.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ticketwise::triage {

using Seconds = std::chrono::sys_seconds;  // UTC instants, second resolution

// P1 (critical) to P4 (low). The numeric value is the level: lower is more urgent.
enum class Priority : std::uint8_t { kP1 = 1, kP2 = 2, kP3 = 3, kP4 = 4 };

// "P1" .. "P4".
const char* PriorityName(Priority p);

// Service criticality, as a business owner states it in the service catalog.
enum class Criticality : std::uint8_t { kCritical, kHigh, kMedium, kLow };

// Parses "critical", "high", "medium", "low" (any case). nullopt for anything else.
std::optional<Criticality> ParseCriticality(std::string_view name);

struct Service {
  std::string name;  // as tickets and incidents name it (matched case-insensitively)
  Criticality criticality = Criticality::kMedium;
};

// One opening interval on one weekday, in the queue's local time. Minutes since local midnight.
struct OpeningInterval {
  std::uint8_t weekday = 0;        // 0 = Monday .. 6 = Sunday
  std::uint16_t open_minute = 0;   // inclusive
  std::uint16_t close_minute = 0;  // exclusive; up to 1440. Must be after open_minute.
};

// A queue's business hours. No intervals means always open (a 24/7 team).
struct BusinessHours {
  std::string time_zone = "UTC";  // IANA name, e.g. "Europe/Berlin"
  std::vector<OpeningInterval> intervals;
};

struct Queue {
  std::string name;                     // unique within the tenant
  std::string description;              // what the team does, in the customer's words
  std::vector<std::string> categories;  // category labels the queue owns
  std::vector<std::string> skills;      // free-text skills, matched like the description
  std::uint32_t capacity = 0;           // open tickets the team can hold; 0: not stated
  BusinessHours hours;
  std::vector<std::string> languages;  // ISO 639-1 codes it answers in; empty: any
  bool on_call = false;                // reachable outside business hours (counts as open)
};

// Weights of the priority signals, in priority levels (a weight of 0.5 moves the score half a
// level towards P1). See docs/decisions/0012-priority-signals.md.
struct PriorityWeights {
  double matrix = 0.5;                 // share of the impact x urgency matrix when it has evidence
  double matrix_one_axis = 0.25;       // the same when only impact or only urgency has evidence
  double vip = 0.5;                    // requester is a VIP
  double reopened = 0.5;               // requester has reopened tickets recently
  double repeat_contact = 0.5;         // requester contacted us about the same problem before
  double frequent_requester = 0.25;    // requester filed many tickets in the last 7 days
  double requester_cap = 1.0;          // the requester signals together move at most this much
  std::uint32_t frequent_tickets = 5;  // ... at least this many
  double active_incident = 1.0;        // ticket matches an active incident
  double incident_similarity = 0.35;   // text similarity that links a ticket to an incident
  // The learned head calls P1 when P(P1) reaches this, even when another level is more likely:
  // a missed P1 is taken to cost ten false alarms, and 1 / (1 + 10) is where calling P1 starts
  // to cost less than not calling it.
  double p1_probability = 1.0 / 11.0;
};

struct RoutingWeights {
  double team_fit = 0.45;       // learned assignment-group probability of the queue
  double category = 0.2;        // probability that the ticket's category is owned by the queue
  double description = 0.15;    // text similarity of ticket and queue description + skills
  double load = 0.1;            // free capacity share
  double hours = 0.1;           // open now (or on call)
  double language = 0.1;        // answers in the ticket's language
  double bounce_penalty = 0.5;  // subtracted per earlier bounce from this queue
  // Route to the triage queue when the best two totals are closer than this ...
  double min_margin = 0.03;
  // ... or when the best total, as a share of the weights that had evidence, is below this.
  double min_confidence = 0.3;
  std::uint32_t ping_pong_bounces = 3;  // reassignments of one ticket that raise an alert
};

struct BurstOptions {
  std::uint32_t min_tickets = 5;                          // N similar tickets ...
  std::chrono::seconds window{std::chrono::minutes(30)};  // ... within this window
  double similarity = 0.5;  // text similarity that makes two tickets "similar"
};

// A tenant's triage configuration. Validate it with Triage::Create (triage.h) once, when it is
// stored; triage itself never fails.
struct TriageConfig {
  std::vector<Service> services;
  std::vector<Queue> queues;
  std::string triage_queue;  // name of the queue that gets tickets routing cannot decide
  PriorityWeights priority;
  RoutingWeights routing;
  BurstOptions burst;
  // Learned priority-head labels and their levels; labels not listed are recognised by name
  // (P1..P4, critical/high/medium/low, blocker/major/minor/trivial, 1..4).
  std::vector<std::pair<std::string, Priority>> priority_labels;
};

// A label and its probability from a learned head (classify::Model).
struct LabelProb {
  std::string label;
  double p = 0.0;
};

// What the caller knows about one ticket.
struct TicketSignals {
  std::string id;
  std::string text;                  // title and description, plain text
  std::string service;               // affected service or CI; empty: unknown
  std::uint32_t users_affected = 0;  // 0: unknown
  std::string language;              // ISO 639-1; empty: unknown
  Seconds created_at{};
  std::vector<LabelProb> priority_head;   // learned priority probabilities; empty: no head
  std::vector<LabelProb> team_head;       // learned assignment-group probabilities; empty: no head
  std::vector<LabelProb> category_head;   // learned category probabilities; empty: no head
  std::vector<std::string> bounced_from;  // queues the ticket was reassigned away from, in order
};

// The requester's recent history, from the store.
struct RequesterContext {
  bool vip = false;
  std::uint32_t tickets_last_7d = 0;  // other tickets filed in the last 7 days
  std::uint32_t reopened_count = 0;   // of their recent tickets, how many were reopened
  std::uint32_t repeat_contacts = 0;  // earlier contacts about this same problem
};

// An outage or incident declared on a service (POST /v1/status/incidents).
struct ActiveIncident {
  std::string id;
  std::string service;  // empty: not tied to one service; matched by text only
  std::string text;     // what is broken, in words tickets would use
  Seconds start{};
  std::optional<Seconds> end;         // nullopt: still ongoing
  Priority priority = Priority::kP1;  // priority of the incident itself
};

// One signal that moved a priority score, and by how much (levels; negative is more urgent).
struct PriorityReason {
  std::string signal;  // "model", "matrix", "vip", "reopened", "repeat_contact",
                       // "frequent_requester", "requester_cap", "active_incident",
                       // "p1_alarm"
  double weight = 0.0;
  std::string detail;  // human-readable why, e.g. "impact high (service 'payroll' critical)"
};

struct PriorityResult {
  Priority priority = Priority::kP3;
  double score = 3.0;                   // continuous level before rounding; lower is more urgent
  std::vector<PriorityReason> reasons;  // in the order they were applied
  std::vector<std::string> linked_incidents;  // ids of active incidents the ticket matches
};

// Per-queue score components; each is in [0, 1] before its weight, except the penalty.
struct QueueScore {
  std::string queue;
  double total = 0.0;
  double team_fit = 0.0;
  double category = 0.0;
  double description = 0.0;
  double load = 0.0;
  double hours = 0.0;
  double language = 0.0;
  double bounce_penalty = 0.0;  // already multiplied by its weight; subtracted from total
};

struct RoutingResult {
  std::string queue;               // where the ticket goes
  bool to_triage_queue = false;    // routing could not decide
  std::string reason;              // why this queue (or why triage)
  double confidence = 0.0;         // best total / sum of weights with evidence
  std::vector<QueueScore> ranked;  // every candidate queue, best first
  bool ping_pong = false;          // bounced_from holds routing.ping_pong_bounces entries or more
};

// Current open tickets per queue, from the store.
struct QueueLoad {
  std::string queue;
  std::uint32_t open_tickets = 0;
};

}  // namespace ticketwise::triage
