// What the store knows around a ticket for its triage (requester history, the queues it has been
// through) and the probable major incidents raised by bursts of similar tickets.
#include <algorithm>
#include <mutex>

#include "store/sqlite_store_impl.h"

namespace ticketwise::store {
namespace {

constexpr std::int64_t kDayMs = 24 * 60 * 60 * 1000;
constexpr std::int64_t kRecentTicketsMs = 7 * kDayMs;
constexpr std::int64_t kReopenedWindowMs = 30 * kDayMs;

std::vector<std::string> SplitLines(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const std::size_t end = s.find('\n');
    out.emplace_back(s.substr(0, end));
    if (end == std::string_view::npos) break;
    s.remove_prefix(end + 1);
  }
  return out;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) {
    if (!out.empty()) out += '\n';
    out += line;
  }
  return out;
}

}  // namespace

Result<std::vector<std::string>> SqliteStoreImpl::QueueHistoryLocked(std::string_view tenant,
                                                                     std::string_view external_id) {
  // Decided queues that acted, and corrections, in the order they happened.
  auto stmt = db_->Prepare(
      "SELECT at_ms, queue FROM ("
      " SELECT d.created_at_ms AS at_ms, d.seq AS ord, df.label AS queue"
      "  FROM tickets t JOIN decisions d ON d.ticket_id = t.id"
      "  JOIN decision_fields df ON df.decision_seq = d.seq"
      "  WHERE t.tenant_id = ?1 AND t.external_id = ?2 AND df.field = 'queue'"
      "  AND df.mode = 'auto' AND df.abstained = 0"
      " UNION ALL"
      " SELECT f.created_at_ms, f.seq, f.value"
      "  FROM tickets t JOIN decisions d ON d.ticket_id = t.id"
      "  JOIN feedback f ON f.decision_seq = d.seq"
      "  WHERE t.tenant_id = ?1 AND t.external_id = ?2 AND f.field = 'queue'"
      "  AND f.verdict = 'corrected')"
      " ORDER BY at_ms, ord");
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  s.Bind(1, tenant);
  s.Bind(2, external_id);
  std::vector<std::string> queues;
  if (Status st = s.ForEachRow([&] {
        std::string queue = s.Text(1);
        if (!queue.empty() && (queues.empty() || queues.back() != queue))
          queues.push_back(std::move(queue));
        return Status::Ok();
      });
      !st.ok())
    return Fail(st);
  return queues;
}

Result<TicketHistory> SqliteStoreImpl::HistoryOf(std::string_view tenant, const Ticket& ticket,
                                                 std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  TicketHistory out;
  {
    auto known = db_->Prepare("SELECT 1 FROM tickets WHERE tenant_id = ?1 AND external_id = ?2");
    if (!known) return Fail(known.error());
    (*known)->Bind(1, tenant);
    (*known)->Bind(2, ticket.external_id);
    Result<bool> row = (*known)->Step();
    if (!row) return Fail(row.error());
    out.known = *row;
  }
  if (!ticket.requester.empty()) {
    // A ticket was filed at the platform's creation time, or when it was stored when there is none.
    auto count = db_->Prepare(
        "SELECT COUNT(*) FROM tickets t WHERE t.tenant_id = ?1 AND t.requester = ?2"
        " AND t.external_id != ?3"
        " AND (CASE WHEN t.created_at_ms > 0 THEN t.created_at_ms ELSE t.updated_at_ms END) >= ?4");
    if (!count) return Fail(count.error());
    Stmt& c = **count;
    c.Bind(1, tenant);
    c.Bind(2, ticket.requester);
    c.Bind(3, ticket.external_id);
    c.Bind(4, now_ms - kRecentTicketsMs);
    Result<bool> row = c.Step();
    if (!row) return Fail(row.error());
    if (*row) out.requester_tickets_7d = static_cast<std::uint32_t>(c.Int(0));

    auto reopen = db_->Prepare(
        "SELECT COUNT(DISTINCT t.id) FROM tickets t JOIN ticket_fields f ON f.ticket_id = t.id"
        " WHERE t.tenant_id = ?1 AND t.requester = ?2"
        " AND (CASE WHEN t.created_at_ms > 0 THEN t.created_at_ms ELSE t.updated_at_ms END) >= ?3"
        " AND ((f.name = 'reopen_count' AND CAST(f.value AS INTEGER) > 0)"
        " OR (f.name IN ('status', 'state') AND lower(trim(f.value)) = 'reopened'))");
    if (!reopen) return Fail(reopen.error());
    Stmt& r = **reopen;
    r.Bind(1, tenant);
    r.Bind(2, ticket.requester);
    r.Bind(3, now_ms - kReopenedWindowMs);
    row = r.Step();
    if (!row) return Fail(row.error());
    if (*row) out.requester_reopened = static_cast<std::uint32_t>(r.Int(0));
  }
  auto queues = QueueHistoryLocked(tenant, ticket.external_id);
  if (!queues) return Fail(queues.error());
  out.queues = std::move(*queues);
  return out;
}

Result<std::vector<QueueHistory>> SqliteStoreImpl::ReassignedTickets(std::string_view tenant,
                                                                     std::uint32_t min_corrections,
                                                                     std::uint32_t limit) {
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare(
      "SELECT t.external_id, MAX(f.created_at_ms) AS last FROM feedback f"
      " JOIN decisions d ON d.seq = f.decision_seq JOIN tickets t ON t.id = d.ticket_id"
      " WHERE f.tenant_id = ?1 AND f.field = 'queue' AND f.verdict = 'corrected'"
      " GROUP BY t.id HAVING COUNT(*) >= ?2 ORDER BY last DESC, t.external_id LIMIT ?3");
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  s.Bind(1, tenant);
  s.Bind(2, static_cast<std::int64_t>(std::max<std::uint32_t>(min_corrections, 1)));
  s.Bind(3, static_cast<std::int64_t>(std::clamp<std::uint32_t>(limit, 1, kMaxListLimit)));
  std::vector<QueueHistory> out;
  if (Status st = s.ForEachRow([&] {
        out.push_back({.external_id = s.Text(0), .last_corrected_at_ms = s.Int(1)});
        return Status::Ok();
      });
      !st.ok())
    return Fail(st);
  for (QueueHistory& h : out) {
    auto queues = QueueHistoryLocked(tenant, h.external_id);
    if (!queues) return Fail(queues.error());
    h.queues = std::move(*queues);
  }
  return out;
}

Result<std::int64_t> SqliteStoreImpl::PutMajorIncident(std::string_view tenant,
                                                       const MajorIncidentRecord& record) {
  if (record.ticket_ids.empty())
    return Fail(Status::InvalidArgument("a major incident links at least one ticket"));
  std::int64_t id = record.id;
  // Audited under the ticket that raised the incident or joined it.
  Status s = WriteSetting(
      tenant, record.id == 0 ? "major_incident_raised" : "major_incident_linked",
      record.ticket_ids.back(), "engine", [&](std::int64_t) -> Status {
        auto stmt = db_->Prepare(
            record.id == 0
                ? "INSERT INTO major_incidents (tenant_id, service, summary, first_seen_ms,"
                  " last_seen_ms, ticket_ids) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id"
                : "UPDATE major_incidents SET service = ?2, summary = ?3, first_seen_ms = ?4,"
                  " last_seen_ms = ?5, ticket_ids = ?6 WHERE tenant_id = ?1 AND id = ?7"
                  " RETURNING id");
        if (!stmt) return stmt.error();
        Stmt& st = **stmt;
        st.Bind(1, tenant);
        st.Bind(2, record.service);
        st.Bind(3, record.summary);
        st.Bind(4, record.first_seen_ms);
        st.Bind(5, record.last_seen_ms);
        st.Bind(6, JoinLines(record.ticket_ids));
        if (record.id != 0) st.Bind(7, record.id);
        Result<bool> row = st.Step();
        if (!row) return row.error();
        if (!*row) return Status::NotFound("no major incident " + std::to_string(record.id));
        id = st.Int(0);
        return st.Run();
      });
  if (!s.ok()) return Fail(s);
  return id;
}

Result<std::vector<MajorIncidentRecord>> SqliteStoreImpl::ListMajorIncidents(
    std::string_view tenant, std::uint32_t limit) {
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare(
      "SELECT id, service, summary, first_seen_ms, last_seen_ms, ticket_ids FROM major_incidents"
      " WHERE tenant_id = ?1 ORDER BY id DESC LIMIT ?2");
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  s.Bind(1, tenant);
  s.Bind(2, static_cast<std::int64_t>(std::clamp<std::uint32_t>(limit, 1, kMaxListLimit)));
  std::vector<MajorIncidentRecord> out;
  if (Status st = s.ForEachRow([&] {
        out.push_back({.id = s.Int(0),
                       .service = s.Text(1),
                       .summary = s.Text(2),
                       .first_seen_ms = s.Int(3),
                       .last_seen_ms = s.Int(4),
                       .ticket_ids = SplitLines(s.Text(5))});
        return Status::Ok();
      });
      !st.ok())
    return Fail(st);
  return out;
}

Status SqliteStoreImpl::SetStoreRawText(std::string_view tenant, bool raw, std::string_view actor) {
  return WriteSetting(tenant, "privacy_set", raw ? "store_raw_text" : "store_redacted_text", actor,
                      [&](std::int64_t now) -> Status {
                        auto stmt = db_->Prepare(
                            "INSERT INTO privacy (tenant_id, store_raw_text, updated_at_ms)"
                            " VALUES (?1, ?2, ?3) ON CONFLICT (tenant_id) DO UPDATE SET"
                            " store_raw_text = excluded.store_raw_text,"
                            " updated_at_ms = excluded.updated_at_ms");
                        if (!stmt) return stmt.error();
                        (*stmt)->Bind(1, tenant);
                        (*stmt)->Bind(2, std::int64_t{raw ? 1 : 0});
                        (*stmt)->Bind(3, now);
                        return (*stmt)->Run();
                      });
}

Result<std::vector<std::string>> SqliteStoreImpl::RawTextTenants() {
  std::lock_guard lock(mu_);
  auto stmt =
      db_->Prepare("SELECT tenant_id FROM privacy WHERE store_raw_text = 1 ORDER BY tenant_id");
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  std::vector<std::string> out;
  if (Status st = s.ForEachRow([&] {
        out.push_back(s.Text(0));
        return Status::Ok();
      });
      !st.ok())
    return Fail(st);
  return out;
}

Result<std::string> SqliteStoreImpl::InstallationSecret() {
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare("SELECT secret FROM installation WHERE id = 1");
  if (!stmt) return Fail(stmt.error());
  Result<bool> row = (*stmt)->Step();
  if (!row) return Fail(row.error());
  if (!*row) return Fail(Status::Internal("the database has no installation secret"));
  return std::string((*stmt)->Blob(0));
}

}  // namespace ticketwise::store
