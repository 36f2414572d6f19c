// audit: check and export the tamper-evident audit trail (docs/api.md, "Audit").
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "safety/redactor.h"
#include "store/sqlite_store.h"

namespace ticketwise::cli {
namespace {

constexpr char kUsage[] =
    "usage: ticketwise audit verify [--db FILE]\n"
    "       ticketwise audit export [--db FILE] [--tenant ID] [--out FILE]\n"
    "  verify  walk the hash-chained audit trail; exit 1 naming the first record that was "
    "changed,\n"
    "          removed or reordered\n"
    "  export  write the trail as JSONL (all tenants, or one), with personal data redacted\n";

int RunVerify(const std::vector<std::string>& argv) {
  Args args("audit verify", "check the audit trail's hash chain");
  args.Flag("db", "FILE", "SQLite database file", false, "./ticketwise.db");
  auto parsed = args.Parse(argv);
  if (!parsed) return Usage(parsed.error());
  if (!*parsed) return 0;
  auto store = store::OpenSqliteStore(args.Get("db"));
  if (!store) return Failed(store.error().WithContext(args.Get("db")));
  auto check = (*store)->VerifyAudit();
  if (!check) return Failed(check.error());
  if (!check->ok) {
    std::printf("audit trail BROKEN at record %lld: %s\n", static_cast<long long>(check->bad_seq),
                check->problem.c_str());
    return 1;
  }
  std::printf("audit trail intact: %llu records, %llu chained, head %s\n",
              static_cast<unsigned long long>(check->records),
              static_cast<unsigned long long>(check->chained), check->head_hash.c_str());
  std::fputs(
      "Keep the head hash somewhere else: a later verify that does not reach it means records "
      "were cut from the end.\n",
      stderr);
  return 0;
}

int RunExport(const std::vector<std::string>& argv) {
  Args args("audit export", "write the audit trail as JSONL, personal data redacted");
  args.Flag("db", "FILE", "SQLite database file", false, "./ticketwise.db");
  args.Flag("tenant", "ID", "only this tenant's records");
  args.Flag("out", "FILE", "output file (default: standard output)");
  auto parsed = args.Parse(argv);
  if (!parsed) return Usage(parsed.error());
  if (!*parsed) return 0;
  auto store = store::OpenSqliteStore(args.Get("db"));
  if (!store) return Failed(store.error().WithContext(args.Get("db")));
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (args.Has("out")) {
    file.open(args.Get("out"), std::ios::binary | std::ios::trunc);
    if (!file) return Failed(Status::IoError("cannot write " + args.Get("out")));
    out = &file;
  }
  std::uint64_t n = 0;
  Status s = (*store)->ForEachAudit(
      args.Has("tenant") ? args.Get("tenant") : std::string(), [&](const store::AuditRecord& r) {
        // Every field but `actor` is an id, a hash or a fixed word; the actor is whatever a
        // client sent as its name, which may be an e-mail address.
        const nlohmann::json line = {{"seq", r.seq},
                                     {"tenant_id", r.tenant_id},
                                     {"at_ms", r.at_ms},
                                     {"what", r.what},
                                     {"subject_id", safety::RedactText(r.subject_id)},
                                     {"model_version", r.model_version},
                                     {"input_hash", r.input_hash},
                                     {"actor", safety::RedactText(r.actor)},
                                     {"prev_hash", r.prev_hash},
                                     {"hash", r.hash}};
        *out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
        ++n;
        return *out ? Status::Ok() : Status::IoError("write failed");
      });
  if (!s.ok()) return Failed(s);
  out->flush();
  if (!*out) return Failed(Status::IoError("write failed"));
  std::fprintf(stderr, "exported %llu audit records\n", static_cast<unsigned long long>(n));
  return 0;
}

}  // namespace

int RunAudit(const std::vector<std::string>& argv) {
  if (!argv.empty() && argv.front() == "verify") return RunVerify({argv.begin() + 1, argv.end()});
  if (!argv.empty() && argv.front() == "export") return RunExport({argv.begin() + 1, argv.end()});
  const bool help = !argv.empty() && argv.front() == "--help";
  std::fputs(kUsage, help ? stdout : stderr);
  return help ? 0 : 2;
}

}  // namespace ticketwise::cli
