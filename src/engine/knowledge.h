// Knowledge: what a tenant's agents already know (knowledge-base articles, resolved tickets with
// their resolution) and what is open right now, searchable per tenant, so that every decision can
// carry suggestions, likely duplicates and a summary of a long thread.
//
// Each tenant has its own retrieve::Index; nothing is shared between tenants. Articles and tickets
// are searchable as soon as Put* returns (the index is incremental). A ticket is a suggestion
// source once it is resolved: a field holds its resolution note ("resolution", "close_notes",
// "resolution_notes"), or its status says it is closed and its last comment tells how. An open
// ticket that came through triage is a duplicate candidate; an open one from a history import is
// neither, because an import says nothing about whether it is still being worked on.
//
// The relevance gate (retrieve/gate.h) decides what is offered: below its threshold a decision
// says "no confident match" and suggests nothing, because a wrong suggestion costs an agent more
// than none. docs/decisions/0016-suggestions-in-decisions.md tells how the defaults were chosen.
//
// Thread-safety: every method may be called from any thread; searches of one tenant run
// concurrently, writes to it take its lock briefly (text analysis happens outside it).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "retrieve/duplicates.h"
#include "retrieve/gate.h"
#include "retrieve/index.h"
#include "retrieve/kb_article.h"
#include "ticketwise/decision.h"
#include "ticketwise/status.h"
#include "ticketwise/ticket.h"

namespace ticketwise::engine {

struct KnowledgeOptions {
  std::size_t max_suggestions = 3;
  double gate_threshold = retrieve::kDefaultGateThreshold;
  std::size_t max_duplicates = 3;
  double duplicate_threshold = retrieve::kDefaultDuplicateThreshold;
  // A thread with at least this many comments gets an extractive summary in its decision.
  std::size_t summary_min_comments = 3;
  // Ranked results a decision looks through for suggestions and duplicates together.
  std::size_t candidates = 25;
  // An open ticket not seen again (posted, updated) for this long is no longer a duplicate
  // candidate and leaves the index: a report of the same problem weeks later is a new problem, and
  // a tenant's open tickets that are never closed would otherwise grow the index without bound.
  std::chrono::hours open_ticket_window{24 * 30};
};

// The ticket's resolution: its resolution note, or for a closed ticket its last comment; empty
// while it is unresolved.
std::string ResolutionOf(const Ticket& ticket);

// One result of Knowledge::Search.
struct KnowledgeHit {
  Suggestion source;   // kind, id, title, link, steps and the fused score
  double lexical = 0;  // the two signals behind the score (retrieve::Hit)
  double semantic = 0;
  bool above_gate = false;  // whether a decision would offer it
};

class Knowledge {
 public:
  explicit Knowledge(KnowledgeOptions options = {});
  ~Knowledge();
  Knowledge(const Knowledge&) = delete;
  Knowledge& operator=(const Knowledge&) = delete;

  // Adds or replaces an article of `tenant`. InvalidArgument when it has no indexable text.
  Status PutArticle(const std::string& tenant, const retrieve::Article& article);
  // NotFound when the tenant has no such article.
  Status RemoveArticle(const std::string& tenant, std::string_view id);

  // Indexes `ticket` by what it is now: a resolved ticket becomes a suggestion source; an open one
  // a duplicate candidate when `triaged` (it came through triage), else it is left out. A ticket
  // seen before is replaced, so a ticket that gets resolved moves from one role to the other.
  // `seen_at_ms` is when it was last posted or updated (Unix ms; 0: now); open tickets seen longer
  // than the window ago (before now, or before the newest one seen) are dropped, and an old one is
  // not indexed at all.
  // `queue` is where an open ticket is assigned now; empty: its "queue" field, if any. Open
  // tickets count towards their queue's load (OpenByQueue).
  Status PutTicket(const std::string& tenant, const Ticket& ticket, bool triaged,
                   std::int64_t seen_at_ms = 0, std::string_view queue = {});

  // Fills the decision's suggestions, duplicates and summary for `ticket` (never an error: a
  // tenant with nothing indexed gets MatchState::kNotSearched). Returns how many of the open
  // tickets above the duplicate threshold the same requester filed (repeat contacts about the same
  // problem; 0 for a ticket without requester), all of them, not only those the decision lists.
  std::size_t Annotate(std::string_view tenant, const Ticket& ticket, Decision* decision) const;

  // The tenant's open tickets (duplicate candidates) per queue they are assigned to, by queue
  // name; tickets with no known queue are not counted.
  std::vector<std::pair<std::string, std::uint32_t>> OpenByQueue(std::string_view tenant) const;

  // Ranks the tenant's articles and resolved tickets (only `kind` when given) for `query`, best
  // first, at most `k` (1..100). A query with nothing indexable gives an empty list.
  Result<std::vector<KnowledgeHit>> Search(std::string_view tenant, std::string_view query,
                                           std::size_t k,
                                           std::optional<SourceKind> kind = std::nullopt) const;

  // Documents indexed for `tenant` (articles, resolved and open tickets).
  std::size_t Size(std::string_view tenant) const;

  const KnowledgeOptions& options() const { return options_; }

 private:
  struct Source {
    Suggestion suggestion;        // score unused
    bool open = false;            // a duplicate candidate rather than a suggestion source
    std::int64_t seen_at_ms = 0;  // of an open ticket
    std::string requester;        // of a ticket
    std::string queue;            // where an open ticket is assigned; empty: unknown
  };
  struct IdHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view id) const noexcept {
      return std::hash<std::string_view>{}(id);
    }
  };
  struct Tenant {
    retrieve::Index index;
    mutable std::shared_mutex mu;
    // GUARDED_BY(mu), by document id; looked up for every hit of every search.
    std::unordered_map<std::string, Source, IdHash, std::equal_to<>> sources;
    // Open tickets in the order they were seen, for expiry; an entry whose source was seen again
    // since (or resolved) is stale and skipped.
    std::deque<std::pair<std::int64_t, std::string>> open_seen;       // GUARDED_BY(mu)
    std::int64_t newest_seen_ms = 0;                                  // GUARDED_BY(mu)
    std::map<std::string, std::uint32_t, std::less<>> open_by_queue;  // GUARDED_BY(mu)
  };

  std::shared_ptr<Tenant> Find(std::string_view tenant) const;
  std::shared_ptr<Tenant> FindOrCreate(const std::string& tenant);
  static Status Put(Tenant* t, const retrieve::Document& doc, Source source);
  // Forgets the document `id` of the tenant (index and source); nothing when it has none.
  static Status Forget(Tenant* t, const std::string& id);
  // Counts `source` in (+1) or out (-1) of its queue's load. REQUIRES: t->mu held exclusively.
  static void CountQueue(Tenant* t, const Source& source, int delta);
  // Drops the tenant's open tickets seen before the window.
  void ExpireOpen(Tenant* t) const;

  const KnowledgeOptions options_;
  mutable std::shared_mutex mu_;
  std::map<std::string, std::shared_ptr<Tenant>, std::less<>> tenants_;  // GUARDED_BY(mu_)
};

}  // namespace ticketwise::engine
