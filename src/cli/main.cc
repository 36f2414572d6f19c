// ticketwise: the command-line front door to the engine.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace {

constexpr char kUsage[] =
    "usage: ticketwise <command> [options]\n"
    "\n"
    "commands:\n"
    "  train     train a classifier on labelled tickets (CSV or JSONL) and write a model file\n"
    "  predict   classify tickets with a model; one JSON object per input row\n"
    "  eval      train on one file, evaluate on another, print the figures\n"
    "  import    normalize a Jira or ServiceNow export to JSON lines: 'import jira FILE'\n"
    "  serve     serve the HTTP API: triage tickets, record decisions\n"
    "  tenant    administer tenants: 'tenant create NAME' prints its API key once\n"
    "  audit     verify the tamper-evident audit trail, or export it as JSONL\n"
    "  redact    replace personal data and secrets in text (or JSONL) with placeholders\n"
    "  similar   index a file and print each row's most similar other rows (JSON lines)\n"
    "  search    index a file and print the best matches for a query\n"
    "  kb        knowledge-base articles: 'kb import FILE...' parses and prints them as JSONL\n"
    "  triage    priority P1-P4 and queue routing with reasons, from a triage configuration\n"
    "  status    a tenant's declared incidents: 'status incident TENANT --file FILE'\n"
    "  version   print the version\n"
    "\n"
    "Run 'ticketwise <command> --help' for the options of a command.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string command = argv[1];
  const std::vector<std::string> rest(argv + 2, argv + argc);
  if (command == "train") return ticketwise::cli::RunTrain(rest);
  if (command == "predict") return ticketwise::cli::RunPredict(rest);
  if (command == "eval") return ticketwise::cli::RunEval(rest);
  if (command == "import") return ticketwise::cli::RunImport(rest);
  if (command == "serve") return ticketwise::cli::RunServe(rest);
  if (command == "tenant") return ticketwise::cli::RunTenant(rest);
  if (command == "redact") return ticketwise::cli::RunRedact(rest);
  if (command == "similar") return ticketwise::cli::RunSimilar(rest);
  if (command == "search") return ticketwise::cli::RunSearch(rest);
  if (command == "kb") return ticketwise::cli::RunKb(rest);
  if (command == "triage") return ticketwise::cli::RunTriage(rest);
  if (command == "status") return ticketwise::cli::RunStatus(rest);
  if (command == "audit") return ticketwise::cli::RunAudit(rest);
  if (command == "version" || command == "--version") {
    std::puts("ticketwise 0.1.0");
    return 0;
  }
  if (command == "help" || command == "--help" || command == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  std::fprintf(stderr, "ticketwise: unknown command '%s'\n\n%s", command.c_str(), kUsage);
  return 2;
}
