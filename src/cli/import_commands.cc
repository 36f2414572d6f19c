// import: ticket history exported from Jira or ServiceNow, normalized to JSON lines that `train`,
// `eval` and POST /v1/import read (see README "Importing history").
#include <cstdio>
#include <fstream>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "connect/history.h"

namespace ticketwise::cli {
namespace {

constexpr char kImportUsage[] =
    "usage: ticketwise import jira FILE [--out FILE] [--request-type-field ID] [--queue-field ID]\n"
    "                         [--service-field ID]\n"
    "       ticketwise import servicenow FILE [--out FILE]\n"
    "\n"
    "Reads a Jira export (CSV, or the REST search JSON {\"issues\":[...]}) or a ServiceNow\n"
    "incident export (JSON {\"records\":[...]} or {\"result\":[...]}, or CSV) and writes one JSON\n"
    "object per ticket: id, title, description, comments, requester, service, created_at and\n"
    "the fields category, subcategory, priority, impact, urgency, queue, assignee,\n"
    "request_type, labels, status, resolution. Tickets that cannot be used are reported on\n"
    "standard error with their line and skipped. Run 'ticketwise import jira --help' for the\n"
    "options.\n";

int RunImportFrom(const std::string& platform, const std::vector<std::string>& argv) {
  const bool jira = platform == "jira";
  Args args("import " + platform + " FILE",
            jira ? "normalize a Jira CSV export or REST search JSON to JSON lines"
                 : "normalize a ServiceNow incident export (JSON or CSV) to JSON lines");
  args.Flag("out", "FILE", "write the JSON lines here instead of standard output");
  if (jira) {
    const connect::JiraFieldMap defaults;
    args.Flag("request-type-field", "ID", "custom field of the JSM request type (JSON exports)",
              false, defaults.request_type_field);
    args.Flag("queue-field", "ID", "custom field naming the team, read as queue (JSON exports)",
              false, "");
    args.Flag("service-field", "ID", "custom field naming the affected service (JSON exports)",
              false, "");
  }
  std::vector<std::string> flags = argv;
  std::string path;
  if (!flags.empty() && !flags.front().starts_with("--")) {
    path = flags.front();
    flags.erase(flags.begin());
  }
  auto parsed = args.Parse(flags);
  if (!parsed) return Usage(parsed.error());
  if (!*parsed) return 0;
  if (path.empty()) return Usage(Status::InvalidArgument("import " + platform + " needs a FILE"));

  auto format = connect::HistoryFormatFromPath(path);
  if (!format) return Usage(format.error());
  std::ifstream in(path, std::ios::binary);
  if (!in) return Failed(Status::NotFound(path + ": cannot open the file"));

  std::FILE* out = stdout;
  std::FILE* opened = nullptr;
  if (args.Has("out")) {
    opened = std::fopen(args.Get("out").c_str(), "wb");
    if (opened == nullptr) return Failed(Status::IoError(args.Get("out") + ": cannot create"));
    out = opened;
  }
  connect::HistoryOptions options;
  options.max_reported_skips = 20;
  if (jira) {
    options.jira.request_type_field = args.Get("request-type-field");
    options.jira.queue_field = args.Get("queue-field");
    options.jira.service_field = args.Get("service-field");
  }
  bool write_failed = false;
  const connect::TicketSink sink = [&](const Ticket& ticket) {
    std::string line = connect::TicketJsonLine(ticket);
    line += '\n';
    if (std::fwrite(line.data(), 1, line.size(), out) != line.size()) write_failed = true;
  };
  auto report = jira ? connect::ImportJiraHistory(in, *format, path, options, sink)
                     : connect::ImportServiceNowHistory(in, *format, path, options, sink);
  const bool closed = opened == nullptr || std::fclose(opened) == 0;
  if (!report) return Failed(report.error());
  std::fputs(report->Summary().c_str(), stderr);
  if (write_failed || !closed || std::ferror(stdout)) {
    return Failed(Status::IoError("cannot write the JSON lines"));
  }
  return 0;
}

}  // namespace

int RunImport(const std::vector<std::string>& argv) {
  if (!argv.empty() && (argv.front() == "jira" || argv.front() == "servicenow")) {
    return RunImportFrom(argv.front(), {argv.begin() + 1, argv.end()});
  }
  const bool help = !argv.empty() && (argv.front() == "--help" || argv.front() == "-h");
  std::fputs(kImportUsage, help ? stdout : stderr);
  return help ? 0 : 2;
}

}  // namespace ticketwise::cli
