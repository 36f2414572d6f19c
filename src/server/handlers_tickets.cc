// Handlers for tickets, decisions, feedback and the import of historical tickets.
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <utility>

#include "ingest/import.h"
#include "server/api_json.h"
#include "server/server_impl.h"
#include "store/codec.h"
#include "store/secrets.h"

namespace ticketwise::server {
namespace {

constexpr std::size_t kMaxIdempotencyKeyBytes = 255;

// A temporary file that is removed when this goes out of scope.
class TempFile {
 public:
  explicit TempFile(const std::string& extension) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / ("ticketwise-import-XXXXXX" + extension))
            .string();
    const int fd = mkstemps(pattern.data(), static_cast<int>(extension.size()));
    if (fd >= 0) {
      close(fd);
      path_ = std::move(pattern);
    }
  }
  ~TempFile() {
    if (!path_.empty()) std::filesystem::remove(path_);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

void Server::Impl::RecordDecisionMetrics(const Decision& d) {
  for (const FieldDecision& f : d.fields)
    metrics.RecordDecision(f.field, f.abstained ? "abstained" : "decided", ModeName(f.mode));
  metrics.RecordEngineSeconds(static_cast<double>(d.engine_micros) / 1e6);
}

void Server::Impl::PostTicket(const httplib::Request& req, httplib::Response& res,
                              const std::string& tenant) {
  if (!RequireJson(req, res)) return;
  const std::string key = req.get_header_value("Idempotency-Key");
  if (key.size() > kMaxIdempotencyKeyBytes) {
    SendError(res, 400, "invalid_argument", "Idempotency-Key is longer than 255 bytes");
    return;
  }
  auto ticket = ParseTicketRequest(req.body);
  if (!ticket) return SendStatus(res, ticket.error());
  ticket->tenant = tenant;

  TriageInput input;
  auto decision = DecideTicket(tenant, *ticket, &input);
  if (!decision) {
    if (decision.error().code() == StatusCode::kFailedPrecondition)
      return SendError(res, 503, "no_model",
                       "this tenant has no active model yet; import labelled tickets and "
                       "POST /v1/models/train");
    return SendStatus(res, decision.error());
  }
  // Committed before the response leaves: a client that got 2xx can always read it back. What is
  // stored (and so answered) is the ticket's stored form; the raw one stays in memory.
  Ticket stored = *ticket;
  ForStorage(tenant, &stored, &*decision);
  store::TriageOutcome outcome;
  if (Status s = store->RecordTriage(tenant, stored, &*decision, key, &outcome); !s.ok())
    return SendStatus(res, s);
  if (outcome.replayed) {
    res.status = 200;
    res.set_header("Idempotent-Replayed", "true");
  } else {
    res.status = 201;
    AfterDecision(tenant, *ticket, *decision, input);
  }
  res.set_header("Location", "/v1/decisions/" + decision->id);
  res.set_content(DecisionJson(*decision), kJson);
}

void Server::Impl::GetTicket(const httplib::Request& req, httplib::Response& res,
                             const std::string& tenant) {
  auto ticket = store->GetTicket(tenant, req.matches[1].str());
  if (!ticket) return SendStatus(res, ticket.error());
  res.set_content(TicketJson(*ticket), kJson);
}

void Server::Impl::GetDecision(const httplib::Request& req, httplib::Response& res,
                               const std::string& tenant) {
  auto decision = store->GetDecision(tenant, req.matches[1].str());
  if (!decision) return SendStatus(res, decision.error());
  res.set_content(DecisionJson(*decision), kJson);
}

void Server::Impl::ListDecisions(const httplib::Request& req, httplib::Response& res,
                                 const std::string& tenant) {
  store::DecisionQuery query;
  if (req.has_param("limit")) {
    const std::string limit = req.get_param_value("limit");
    std::uint32_t n = 0;
    auto [ptr, ec] = std::from_chars(limit.data(), limit.data() + limit.size(), n);
    if (ec != std::errc() || ptr != limit.data() + limit.size() || n == 0 ||
        n > store::kMaxListLimit)
      return SendError(
          res, 400, "invalid_argument",
          "limit must be a whole number from 1 to " + std::to_string(store::kMaxListLimit));
    query.limit = n;
  }
  query.before_id = req.get_param_value("before");
  query.field = req.get_param_value("field");
  if (req.has_param("abstained")) {
    const std::string a = req.get_param_value("abstained");
    if (a != "true" && a != "false")
      return SendError(res, 400, "invalid_argument", "abstained must be true or false");
    query.abstained = a == "true";
  }
  // One more than asked tells whether there is a next page.
  const std::uint32_t asked = query.limit;
  query.limit = asked + 1;
  auto decisions = store->ListDecisions(tenant, query);
  if (!decisions) return SendStatus(res, decisions.error());
  const bool more = decisions->size() > asked;
  if (more) decisions->resize(asked);
  res.set_content(DecisionListJson(*decisions, more), kJson);
}

void Server::Impl::PostFeedback(const httplib::Request& req, httplib::Response& res,
                                const std::string& tenant) {
  if (!RequireJson(req, res)) return;
  auto feedback = ParseFeedbackRequest(req.body);
  if (!feedback) return SendStatus(res, feedback.error());
  feedback->decision_id = req.matches[1].str();
  auto stored = store->RecordFeedback(tenant, *feedback);
  if (!stored) return SendStatus(res, stored.error());
  AfterFeedback(tenant, *stored);
  res.status = 201;
  res.set_content(FeedbackJson(*stored), kJson);
}

void Server::Impl::ListFeedback(const httplib::Request& req, httplib::Response& res,
                                const std::string& tenant) {
  auto feedback = store->ListFeedback(tenant, req.matches[1].str());
  if (!feedback) return SendStatus(res, feedback.error());
  res.set_content(FeedbackListJson(*feedback), kJson);
}

void Server::Impl::PostImport(const httplib::Request& req, httplib::Response& res,
                              const httplib::ContentReader& reader) {
  auto tenant = Authenticate(req, res);
  if (!tenant) return;
  const std::string media = MediaType(req.get_header_value("Content-Type"));
  std::string format = req.get_param_value("format");
  if (format.empty()) {
    if (media == "text/csv") format = "csv";
    if (media == "application/x-ndjson" || media == "application/jsonl" ||
        media == "application/x-jsonlines")
      format = "jsonl";
  }
  if (format != "csv" && format != "jsonl")
    return SendError(res, 415, "unsupported_media_type",
                     "send text/csv or application/x-ndjson, or say ?format=csv|jsonl");
  ingest::ImportOptions columns_wanted;
  auto columns = ingest::ParseColumnList(req.get_param_value("text"));
  if (!columns)
    return SendError(
        res, 400, "invalid_argument",
        "query parameter 'text' must name the text columns: " + columns.error().message());
  columns_wanted.text_columns = std::move(*columns);
  columns_wanted.label_column = req.get_param_value("label");
  if (columns_wanted.label_column.empty())
    return SendError(res, 400, "invalid_argument",
                     "query parameter 'label' must name the label column");
  const std::string field =
      req.has_param("field") ? req.get_param_value("field") : std::string("category");

  // The upload is spooled to a file as it arrives, so its size is bounded by the disk and
  // max_import_bytes, not by memory.
  TempFile spool("." + format);
  if (spool.path().empty()) return SendStatus(res, Status::IoError("cannot create a spool file"));
  std::size_t total = 0;
  bool too_big = false;
  {
    std::ofstream out(spool.path(), std::ios::binary);
    const bool read = reader([&](const char* data, std::size_t n) {
      total += n;
      if (total > options.max_import_bytes) {
        too_big = true;
        return false;
      }
      out.write(data, static_cast<std::streamsize>(n));
      return static_cast<bool>(out);
    });
    if (too_big)
      return SendError(res, 413, "payload_too_large",
                       "upload exceeds " + std::to_string(options.max_import_bytes) + " bytes");
    if (!read || !out) return SendStatus(res, Status::IoError("the upload could not be stored"));
  }
  auto data = ingest::ImportFile(spool.path(), columns_wanted);
  if (!data) {
    // The spool file's name means nothing to the client.
    return SendError(res, 400, "invalid_argument",
                     "the upload cannot be imported: " + data.error().message());
  }
  data->report.file = "upload";

  std::vector<Ticket> tickets;
  tickets.reserve(data->rows.size());
  for (ingest::LabelledText& row : data->rows) {
    Ticket t;
    // Rows have no id of their own: the content names them, so importing a file twice stores
    // each ticket once.
    t.external_id = "import-" + store::Sha256Hex(row.text + '\x1f' + row.label).substr(0, 24);
    t.description = std::move(row.text);
    t.fields.emplace(field, std::move(row.label));
    tickets.push_back(std::move(t));
  }
  std::vector<Ticket> stored = tickets;
  for (Ticket& t : stored) ForStorage(*tenant, &t, nullptr);
  if (Status s = store->ImportTickets(*tenant, stored); !s.ok()) return SendStatus(res, s);
  // Resolved ones become suggestion sources; the rest are history, not open work.
  for (const Ticket& t : tickets)
    static_cast<void>(engine.knowledge().PutTicket(*tenant, t, false));
  res.set_content(ImportReportJson(data->report, field), kJson);
}

}  // namespace ticketwise::server
