#include "engine/knowledge.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>
#include <utility>

#include "retrieve/summary.h"
#include "text/markup.h"

namespace ticketwise::engine {
namespace {

std::int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Document ids carry their source, so an article and a ticket may share an id.
constexpr std::string_view kArticlePrefix = "a:";
constexpr std::string_view kTicketPrefix = "t:";

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Field(const Ticket& ticket, std::string_view name) {
  auto it = ticket.fields.find(std::string(name));
  return it == ticket.fields.end() ? std::string_view() : std::string_view(it->second);
}

bool IsClosedStatus(std::string_view status) {
  static constexpr std::array<std::string_view, 8> kClosed = {
      "resolved", "closed", "done", "complete", "completed", "fixed", "cancelled", "canceled"};
  const std::string s = Lower(status);
  return std::find(kClosed.begin(), kClosed.end(), s) != kClosed.end();
}

// Title and everything said on the ticket, the way the index reads a query.
retrieve::Document QueryDocument(const Ticket& ticket) {
  retrieve::Document doc;
  doc.id = std::string(kTicketPrefix) + ticket.external_id;
  doc.title = ticket.title;
  doc.body = ticket.description;
  for (const Comment& c : ticket.comments) {
    if (c.body.empty()) continue;
    if (!doc.body.empty()) doc.body += "\n\n";
    doc.body += c.body;
  }
  return doc;
}

}  // namespace

std::string ResolutionOf(const Ticket& ticket) {
  for (std::string_view name : {"resolution", "close_notes", "resolution_notes"}) {
    const std::string_view note = Field(ticket, name);
    if (note.find_first_not_of(" \t\r\n") != std::string_view::npos) return std::string(note);
  }
  if (!IsClosedStatus(Field(ticket, "status")) && !IsClosedStatus(Field(ticket, "state")))
    return {};
  for (auto it = ticket.comments.rbegin(); it != ticket.comments.rend(); ++it)
    if (it->body.find_first_not_of(" \t\r\n") != std::string::npos) return it->body;
  return {};
}

Knowledge::Knowledge(KnowledgeOptions options) : options_(options) {}

Knowledge::~Knowledge() = default;

std::shared_ptr<Knowledge::Tenant> Knowledge::Find(std::string_view tenant) const {
  std::shared_lock lock(mu_);
  auto it = tenants_.find(tenant);
  return it == tenants_.end() ? nullptr : it->second;
}

std::shared_ptr<Knowledge::Tenant> Knowledge::FindOrCreate(const std::string& tenant) {
  if (auto t = Find(tenant)) return t;
  std::unique_lock lock(mu_);
  auto& slot = tenants_[tenant];
  if (slot == nullptr) slot = std::make_shared<Tenant>();
  return slot;
}

Status Knowledge::Put(Tenant* t, const retrieve::Document& doc, Source source) {
  // The metadata is written under the tenant's lock after the index accepted the document, so a
  // search never finds a hit without its source.
  if (Status s = t->index.Upsert(doc); !s.ok()) return s;
  std::unique_lock lock(t->mu);
  if (source.open) {
    t->open_seen.emplace_back(source.seen_at_ms, doc.id);
    t->newest_seen_ms = std::max(t->newest_seen_ms, source.seen_at_ms);
  }
  CountQueue(t, source, +1);
  auto [it, added] = t->sources.try_emplace(doc.id);
  if (!added) CountQueue(t, it->second, -1);
  it->second = std::move(source);
  return Status::Ok();
}

void Knowledge::CountQueue(Tenant* t, const Source& source, int delta) {
  if (!source.open || source.queue.empty()) return;
  auto it = t->open_by_queue.try_emplace(source.queue, 0).first;
  it->second = static_cast<std::uint32_t>(static_cast<int>(it->second) + delta);
  if (it->second == 0) t->open_by_queue.erase(it);
}

Status Knowledge::Forget(Tenant* t, const std::string& id) {
  if (!t->index.Contains(id)) return Status::Ok();
  if (Status s = t->index.Remove(id); !s.ok()) return s;
  std::unique_lock lock(t->mu);
  if (auto it = t->sources.find(id); it != t->sources.end()) {
    CountQueue(t, it->second, -1);
    t->sources.erase(it);
  }
  return Status::Ok();
}

void Knowledge::ExpireOpen(Tenant* t) const {
  const std::int64_t window_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(options_.open_ticket_window).count();
  std::vector<std::string> expired;
  {
    std::unique_lock lock(t->mu);
    const std::int64_t cut_off = std::max(t->newest_seen_ms, WallMs()) - window_ms;
    while (!t->open_seen.empty() && t->open_seen.front().first < cut_off) {
      auto [seen, id] = std::move(t->open_seen.front());
      t->open_seen.pop_front();
      auto it = t->sources.find(id);
      // Seen again since, or resolved: a later entry (or none) speaks for it.
      if (it == t->sources.end() || !it->second.open || it->second.seen_at_ms != seen) continue;
      CountQueue(t, it->second, -1);
      t->sources.erase(it);
      expired.push_back(std::move(id));
    }
  }
  // Searches that found one of these in the meantime skip it: its source is gone.
  for (const std::string& id : expired) static_cast<void>(t->index.Remove(id));
}

Status Knowledge::PutArticle(const std::string& tenant, const retrieve::Article& article) {
  retrieve::Document doc = retrieve::ToDocument(article);
  doc.id = std::string(kArticlePrefix) + article.id;
  Source source;
  source.suggestion.kind = SourceKind::kArticle;
  source.suggestion.source_id = article.id;
  source.suggestion.title = article.title;
  source.suggestion.link = article.link;
  source.suggestion.steps = retrieve::ResolutionText(article);
  return Put(FindOrCreate(tenant).get(), doc, std::move(source));
}

Status Knowledge::RemoveArticle(const std::string& tenant, std::string_view id) {
  auto t = Find(tenant);
  if (t == nullptr) return Status::NotFound("no article " + std::string(id));
  const std::string doc_id = std::string(kArticlePrefix) + std::string(id);
  if (Status s = t->index.Remove(doc_id); !s.ok()) return s;
  std::unique_lock lock(t->mu);
  t->sources.erase(doc_id);
  return Status::Ok();
}

Status Knowledge::PutTicket(const std::string& tenant, const Ticket& ticket, bool triaged,
                            std::int64_t seen_at_ms, std::string_view queue) {
  if (seen_at_ms == 0) seen_at_ms = WallMs();
  retrieve::Document doc = QueryDocument(ticket);
  std::string resolution = ResolutionOf(ticket);
  const bool resolved = !resolution.empty();
  if (!resolved && !triaged) {
    // Neither a source nor a candidate; forget an earlier role it may have had.
    auto t = Find(tenant);
    return t == nullptr ? Status::Ok() : Forget(t.get(), doc.id);
  }
  doc.kind = resolved ? retrieve::DocKind::kResolvedTicket : retrieve::DocKind::kOpenTicket;
  Source source;
  source.open = !resolved;
  source.seen_at_ms = seen_at_ms;
  source.requester = ticket.requester;
  if (!resolved) source.queue = queue.empty() ? std::string(Field(ticket, "queue")) : queue;
  source.suggestion.kind = SourceKind::kTicket;
  source.suggestion.source_id = ticket.external_id;
  source.suggestion.title = ticket.title;
  for (std::string_view name : {"link", "url"}) {
    if (const std::string_view link = Field(ticket, name); !link.empty()) {
      source.suggestion.link = std::string(link);
      break;
    }
  }
  source.suggestion.steps = std::move(resolution);
  const std::shared_ptr<Tenant> t = FindOrCreate(tenant);
  if (!resolved) {
    std::shared_lock lock(t->mu);
    const std::int64_t window_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(options_.open_ticket_window).count();
    if (seen_at_ms < std::max(t->newest_seen_ms, WallMs()) - window_ms) {
      // Too old to be anyone's duplicate (a stale ticket loaded at start): forget any earlier role.
      lock.unlock();
      return Forget(t.get(), doc.id);
    }
  }
  if (Status s = Put(t.get(), doc, std::move(source)); !s.ok()) return s;
  if (!resolved) ExpireOpen(t.get());
  return Status::Ok();
}

std::size_t Knowledge::Annotate(std::string_view tenant, const Ticket& ticket,
                                Decision* decision) const {
  if (ticket.comments.size() >= options_.summary_min_comments) {
    std::vector<retrieve::ThreadMessage> thread;
    // Platforms send HTML, wiki markup and quoted e-mail; the summary picks sentences of text.
    thread.push_back(
        {ticket.requester, ticket.title + "\n" + text::StripMarkup(ticket.description)});
    for (const Comment& c : ticket.comments)
      thread.push_back({c.author, text::StripMarkup(c.body)});
    decision->summary = retrieve::SummarizeThread(thread).Text();
  }
  decision->match = MatchState::kNotSearched;
  decision->match_threshold = options_.gate_threshold;
  decision->duplicate_threshold = options_.duplicate_threshold;
  auto t = Find(tenant);
  if (t == nullptr || t->index.size() == 0) return 0;

  retrieve::SearchOptions so;
  so.k = options_.candidates;
  const retrieve::Document query = QueryDocument(ticket);
  so.exclude_id = query.id;
  so.min_score = std::min(options_.gate_threshold, options_.duplicate_threshold);
  auto hits = t->index.SearchDocument(query, so);
  decision->match = MatchState::kNoConfidentMatch;
  // A query that cannot be searched (too large, say) is treated like one with no match: the
  // decision itself must not fail because of its suggestions.
  if (!hits) return 0;

  std::size_t repeat_contacts = 0;
  std::shared_lock lock(t->mu);
  for (const retrieve::Hit& h : *hits) {
    auto it = t->sources.find(h.id);
    if (it == t->sources.end()) continue;  // removed since the search
    const Source& s = it->second;
    if (s.open) {
      if (h.score < options_.duplicate_threshold) continue;
      if (!ticket.requester.empty() && s.requester == ticket.requester) ++repeat_contacts;
      if (decision->duplicates.size() < options_.max_duplicates)
        decision->duplicates.push_back({s.suggestion.source_id, s.suggestion.title, h.score});
    } else if (h.score >= options_.gate_threshold &&
               decision->suggestions.size() < options_.max_suggestions) {
      Suggestion suggestion = s.suggestion;
      suggestion.score = h.score;
      decision->suggestions.push_back(std::move(suggestion));
    }
  }
  if (!decision->suggestions.empty()) decision->match = MatchState::kMatched;
  return repeat_contacts;
}

std::vector<std::pair<std::string, std::uint32_t>> Knowledge::OpenByQueue(
    std::string_view tenant) const {
  std::vector<std::pair<std::string, std::uint32_t>> out;
  auto t = Find(tenant);
  if (t == nullptr) return out;
  std::shared_lock lock(t->mu);
  out.assign(t->open_by_queue.begin(), t->open_by_queue.end());
  return out;
}

Result<std::vector<KnowledgeHit>> Knowledge::Search(std::string_view tenant, std::string_view query,
                                                    std::size_t k,
                                                    std::optional<SourceKind> kind) const {
  if (k < 1 || k > 100) return Fail(Status::InvalidArgument("k must be between 1 and 100"));
  std::vector<KnowledgeHit> out;
  auto t = Find(tenant);
  if (t == nullptr) return out;
  retrieve::SearchOptions so;
  // Open tickets share the index; ask for enough to fill k after leaving them out.
  so.k = std::min<std::size_t>(retrieve::kMaxResults, 4 * k + 20);
  if (kind == SourceKind::kArticle) so.kind = retrieve::DocKind::kArticle;
  if (kind == SourceKind::kTicket) so.kind = retrieve::DocKind::kResolvedTicket;
  auto hits = t->index.Search(query, so);
  if (!hits) return Fail(hits.error());
  std::shared_lock lock(t->mu);
  for (const retrieve::Hit& h : *hits) {
    if (out.size() == k) break;
    auto it = t->sources.find(h.id);
    if (it == t->sources.end() || it->second.open) continue;
    KnowledgeHit hit;
    hit.source = it->second.suggestion;
    hit.source.score = h.score;
    hit.lexical = h.lexical;
    hit.semantic = h.semantic;
    hit.above_gate = h.score >= options_.gate_threshold;
    out.push_back(std::move(hit));
  }
  return out;
}

std::size_t Knowledge::Size(std::string_view tenant) const {
  auto t = Find(tenant);
  return t == nullptr ? 0 : t->index.size();
}

}  // namespace ticketwise::engine
