// ticketwise triage: priority and routing for a file of tickets, with the tenant's triage
// configuration, optional learned heads and declared incidents. A thin shell over src/triage.
// ticketwise status: a tenant's declared incidents in the database, for the service to use.
#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "classify/model.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "server/api_json.h"
#include "store/sqlite_store.h"
#include "triage/config_json.h"
#include "triage/heads.h"
#include "triage/incidents.h"
#include "triage/triage.h"

namespace ticketwise::cli {
namespace {

using nlohmann::json;
using triage::Seconds;

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(Status::NotFound("cannot open '" + path + "'"));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> SplitColumns(const std::string& cols) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= cols.size()) {
    const std::size_t comma = cols.find(',', start);
    const std::size_t end = comma == std::string::npos ? cols.size() : comma;
    if (end > start) out.push_back(cols.substr(start, end - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// One JSONL row -> signals and requester context. Fields other than the text are optional.
Status ReadRow(const json& row, const std::vector<std::string>& text_cols, triage::TicketSignals* t,
               triage::RequesterContext* r) {
  if (!row.is_object()) return Status::InvalidArgument("a row must be a JSON object");
  if (auto it = row.find("id"); it != row.end())
    t->id = it->is_string() ? it->get<std::string>() : it->dump();
  for (const std::string& col : text_cols) {
    auto it = row.find(col);
    if (it == row.end() || it->is_null()) continue;
    if (!it->is_string()) return Status::InvalidArgument("'" + col + "' must be a string");
    if (!t->text.empty()) t->text += '\n';
    t->text += it->get<std::string>();
  }
  auto str = [&](const char* key, std::string* out) {
    if (auto it = row.find(key); it != row.end() && it->is_string()) *out = it->get<std::string>();
  };
  auto count = [&](const char* key, std::uint32_t* out) {
    if (auto it = row.find(key); it != row.end() && it->is_number_unsigned())
      *out =
          static_cast<std::uint32_t>(std::min<std::uint64_t>(it->get<std::uint64_t>(), 1u << 30));
  };
  str("service", &t->service);
  str("language", &t->language);
  count("users_affected", &t->users_affected);
  count("tickets_last_7d", &r->tickets_last_7d);
  count("reopened_count", &r->reopened_count);
  count("repeat_contacts", &r->repeat_contacts);
  if (auto it = row.find("vip"); it != row.end() && it->is_boolean()) r->vip = it->get<bool>();
  if (auto it = row.find("bounced_from"); it != row.end() && it->is_array())
    for (const json& q : *it)
      if (q.is_string()) t->bounced_from.push_back(q.get<std::string>());
  if (auto it = row.find("created_at"); it != row.end() && it->is_string()) {
    auto at = triage::ParseUtcTime(it->get<std::string>());
    if (!at) return at.error().WithContext("created_at");
    t->created_at = *at;
  }
  return Status::Ok();
}

json ToJson(const triage::PriorityResult& p) {
  json reasons = json::array();
  for (const auto& r : p.reasons)
    reasons.push_back({{"signal", r.signal}, {"weight", r.weight}, {"detail", r.detail}});
  return {{"priority", triage::PriorityName(p.priority)},
          {"score", p.score},
          {"reasons", reasons},
          {"linked_incidents", p.linked_incidents}};
}

json ToJson(const triage::RoutingResult& r) {
  json ranked = json::array();
  for (const auto& s : r.ranked)
    ranked.push_back({{"queue", s.queue},
                      {"total", s.total},
                      {"team_fit", s.team_fit},
                      {"category", s.category},
                      {"description", s.description},
                      {"load", s.load},
                      {"hours", s.hours},
                      {"language", s.language},
                      {"bounce_penalty", s.bounce_penalty}});
  return {{"queue", r.queue},         {"to_triage_queue", r.to_triage_queue},
          {"reason", r.reason},       {"confidence", r.confidence},
          {"ping_pong", r.ping_pong}, {"ranked", ranked}};
}

Result<std::optional<classify::Model>> LoadHead(const Args& args, const char* flag) {
  if (!args.Has(flag) || args.Get(flag).empty()) return std::optional<classify::Model>();
  auto model = classify::Model::Load(args.Get(flag));
  if (!model) return Fail(model.error().WithContext(args.Get(flag)));
  return std::optional<classify::Model>(std::move(*model));
}

int Run(const Args& args) {
  auto config_text = ReadFile(args.Get("config"));
  if (!config_text) return Failed(config_text.error());
  auto config = triage::ParseTriageConfigJson(*config_text);
  if (!config) return Failed(config.error().WithContext(args.Get("config")));
  auto engine = triage::Triage::Create(std::move(*config));
  if (!engine) return Failed(engine.error().WithContext(args.Get("config")));

  std::vector<triage::ActiveIncident> incidents;
  if (args.Has("incidents") && !args.Get("incidents").empty()) {
    auto text = ReadFile(args.Get("incidents"));
    if (!text) return Failed(text.error());
    auto parsed = triage::ParseIncidentsJson(*text);
    if (!parsed) return Failed(parsed.error().WithContext(args.Get("incidents")));
    for (const auto& inc : *parsed)
      if (Status s = engine->ValidateIncident(inc); !s.ok())
        return Failed(s.WithContext(args.Get("incidents")));
    incidents = std::move(*parsed);
  }
  auto priority_head = LoadHead(args, "priority-model");
  if (!priority_head) return Failed(priority_head.error());
  auto team_head = LoadHead(args, "team-model");
  if (!team_head) return Failed(team_head.error());
  auto category_head = LoadHead(args, "category-model");
  if (!category_head) return Failed(category_head.error());
  {
    const std::vector<std::string> teams =
        *team_head ? triage::HeadLabels(**team_head) : std::vector<std::string>{};
    const std::vector<std::string> cats =
        *category_head ? triage::HeadLabels(**category_head) : std::vector<std::string>{};
    if (Status s = engine->CheckHeads(teams, cats); !s.ok()) return Failed(s);
  }
  std::optional<Seconds> fixed_now;
  if (args.Has("now") && !args.Get("now").empty()) {
    auto now = triage::ParseUtcTime(args.Get("now"));
    if (!now) return Usage(now.error().WithContext("--now"));
    fixed_now = *now;
  }

  std::ifstream in(args.Get("data"), std::ios::binary);
  if (!in) return Failed(Status::NotFound("cannot open '" + args.Get("data") + "'"));
  const std::vector<std::string> text_cols = SplitColumns(args.Get("text"));
  triage::BurstDetector bursts(engine->config().burst);
  classify::PredictScratch scratch;
  std::string line;
  std::size_t line_no = 0;
  std::string out;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    triage::TicketSignals ticket;
    triage::RequesterContext requester;
    Status s;
    try {
      s = ReadRow(json::parse(line), text_cols, &ticket, &requester);
    } catch (const std::exception&) {
      s = Status::InvalidArgument("not a JSON object");
    }
    if (!s.ok()) {
      std::fprintf(stderr, "%s:%zu: skipped: %s\n", args.Get("data").c_str(), line_no,
                   s.message().c_str());
      continue;
    }
    if (ticket.id.empty()) ticket.id = std::to_string(line_no);
    const Seconds now =
        fixed_now ? *fixed_now
        : ticket.created_at != Seconds{}
            ? ticket.created_at
            : std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    if (ticket.created_at == Seconds{}) ticket.created_at = now;
    if (*priority_head)
      ticket.priority_head = triage::HeadProbabilities(**priority_head, ticket.text, &scratch);
    if (*team_head)
      ticket.team_head = triage::HeadProbabilities(**team_head, ticket.text, &scratch);
    if (*category_head)
      ticket.category_head = triage::HeadProbabilities(**category_head, ticket.text, &scratch);
    const triage::BurstEvent burst = bursts.Observe(ticket);
    json result = {{"id", ticket.id},
                   {"priority", ToJson(engine->Prioritize(ticket, requester, incidents, now))},
                   {"route", ToJson(engine->Route(ticket, {}, now))},
                   {"major_incident", burst.incident == 0 ? json(nullptr) : json(burst.incident)}};
    out = result.dump(-1, ' ', false, json::error_handler_t::replace);
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  for (const auto& inc : bursts.incidents())
    std::fprintf(stderr, "probable major incident %llu: %zu tickets%s%s\n",
                 static_cast<unsigned long long>(inc.id), inc.ticket_ids.size(),
                 inc.service.empty() ? "" : " on ", inc.service.c_str());
  return 0;
}

}  // namespace

int RunTriage(const std::vector<std::string>& argv) {
  Args args("triage",
            "Prioritizes (P1-P4) and routes tickets with a triage configuration; one JSON object "
            "per input row with the priority, its reasons, the ranked queues and any probable "
            "major incident.");
  args.Flag("config", "FILE", "triage configuration (JSON: queues, services, weights)", true)
      .Flag("data", "FILE", "tickets, one JSON object per line (.jsonl)", true)
      .Flag("text", "COLS", "comma-separated text fields, joined in order", false, "text")
      .Flag("priority-model", "MODEL", "learned priority head (a model trained on priorities)",
            false, "")
      .Flag("team-model", "MODEL", "learned team head (a model trained on assignment groups)",
            false, "")
      .Flag("category-model", "MODEL", "learned category head", false, "")
      .Flag("incidents", "FILE", "active incidents (JSON array)", false, "")
      .Flag("now", "TIME",
            "triage time, e.g. 2026-12-03T10:00:00Z (default: each row's "
            "created_at, else the system clock)",
            false, "");
  auto parsed = args.Parse(argv);
  if (!parsed) return Usage(parsed.error());
  if (!*parsed) return 0;
  try {
    return Run(args);
  } catch (const std::exception& e) {
    return Failed(Status::Internal(std::string("triage: ") + e.what()));
  }
}

namespace {

constexpr char kStatusUsage[] =
    "usage: ticketwise status incident TENANT --file FILE [--db FILE]\n"
    "  declare the incidents in FILE (one JSON object or an array) for the tenant\n"
    "       ticketwise status incidents TENANT [--db FILE]\n"
    "  print the tenant's declared incidents\n";

// The tenant's stored triage configuration, or null when it has none.
Result<std::shared_ptr<const triage::Triage>> StoredTriage(store::Store* store,
                                                           const std::string& tenant) {
  auto record = store->GetConfig(tenant, store::ConfigKind::kTriage);
  if (!record && record.error().code() == StatusCode::kNotFound)
    return std::shared_ptr<const triage::Triage>();
  if (!record) return Fail(record.error());
  auto config = triage::ParseTriageConfigJson(record->json);
  if (!config) return Fail(config.error().WithContext("stored triage configuration"));
  auto built = triage::Triage::Create(std::move(*config));
  if (!built) return Fail(built.error().WithContext("stored triage configuration"));
  return std::make_shared<const triage::Triage>(std::move(*built));
}

int RunStatusIncident(const std::vector<std::string>& argv, bool declare) {
  Args args(declare ? "status incident TENANT" : "status incidents TENANT",
            declare ? "declares incidents for the tenant; checked like POST /v1/status/incidents, "
                      "and used by the service from its next start"
                    : "prints the tenant's declared incidents as {\"incidents\": [...]}");
  args.Flag("db", "FILE", "SQLite database file", false, "./ticketwise.db");
  if (declare) args.Flag("file", "FILE", "the incidents (JSON: one object or an array)", true);
  std::string name;
  std::vector<std::string> flags = argv;
  if (!flags.empty() && !flags.front().starts_with("--")) {
    name = flags.front();
    flags.erase(flags.begin());
  }
  auto parsed = args.Parse(flags);
  if (!parsed) return Usage(parsed.error());
  if (!*parsed) return 0;
  if (name.empty()) return Usage(Status::InvalidArgument(kStatusUsage));
  auto opened = store::OpenSqliteStore(args.Get("db"));
  if (!opened) return Failed(opened.error().WithContext(args.Get("db")));
  store::Store* store = opened->get();
  auto tenant = FindTenant(store, name);
  if (!tenant) return Failed(tenant.error());
  if (declare) {
    auto body = ReadFile(args.Get("file"));
    if (!body) return Failed(body.error());
    auto config = StoredTriage(store, *tenant);
    if (!config) return Failed(config.error());
    auto records = server::ParseCheckedIncidents(*body, config->get());
    if (!records) return Failed(records.error().WithContext(args.Get("file")));
    if (Status s = store->PutIncidents(*tenant, *records, "cli"); !s.ok()) return Failed(s);
    std::fprintf(stderr,
                 "status incident: %zu incident(s) declared for tenant %s; a running service takes "
                 "them at its next start\n",
                 records->size(), tenant->c_str());
    return 0;
  }
  auto all = store->ListIncidents(*tenant);
  if (!all) return Failed(all.error());
  std::printf("%s\n", server::IncidentsJson(*all).c_str());
  return 0;
}

}  // namespace

int RunStatus(const std::vector<std::string>& argv) {
  if (!argv.empty() && (argv.front() == "incident" || argv.front() == "incidents"))
    return RunStatusIncident({argv.begin() + 1, argv.end()}, argv.front() == "incident");
  const bool help = !argv.empty() && (argv.front() == "--help" || argv.front() == "-h");
  std::fputs(kStatusUsage, help ? stdout : stderr);
  return help ? 0 : 2;
}

}  // namespace ticketwise::cli
