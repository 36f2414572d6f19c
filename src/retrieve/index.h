// Index: the in-memory retrieval index of one tenant (knowledge-base articles and tickets), ranking
// by two signals fused into one score:
//   - lexical: BM25F over a title and a body field (title weighted higher), on stemmed terms with
//     stop words removed (analyzer.h);
//   - semantic: cosine between random-indexing embeddings learned from the tenant's own documents
//     (semantic.h), computed for the lexical candidates.
// The fused score is a fixed linear mix of the two, each on a 0..1 scale that does not depend on
// the other documents of the query's result list, so one threshold (gate.h) can decide what counts
// as a confident match. docs/decisions/0010-retrieval.md explains the choices and measurements.
//
// One Index per tenant; nothing is shared between Index objects, so tenants cannot see each other's
// documents. Add/Upsert/Remove change the index in place: a document is searchable as soon as the
// call returns, and removal is immediate (its postings are dropped lazily, in amortized
// compactions). Embeddings of documents are recomputed from the newest word vectors whenever the
// number of live documents has doubled since the last refresh, or on RefreshEmbeddings().
//
// Thread-safety: every method may be called from any thread. Searches run concurrently under a
// shared lock; writers (Add, Upsert, Remove, SetKind, RefreshEmbeddings) take it exclusively. Text
// analysis happens before the lock is taken.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "retrieve/document.h"
#include "retrieve/semantic.h"
#include "ticketwise/status.h"

namespace ticketwise::retrieve {

// How the two signals become one ranking (docs/decisions/0010-retrieval.md has the measurements).
enum class Fusion : std::uint8_t {
  kLinear,          // rank by score = (1 - semantic_weight) * lexical + semantic_weight * semantic
  kReciprocalRank,  // rank by sum of 1 / (60 + rank) over the two signals; score as kLinear
};

struct IndexOptions {
  double k1 = 1.2;                     // BM25 term-frequency saturation
  double b = 0.75;                     // BM25 length normalization
  double title_weight = 3.0;           // a title occurrence counts this many body occurrences
  double body_weight = 1.0;            // weight of a body occurrence
  double semantic_weight = 0.3;        // share of the semantic signal in the fused score (0..1)
  Fusion fusion = Fusion::kLinear;     // how the ranking is fused
  std::uint32_t candidates = 50;       // lexical candidates re-scored with the semantic signal
  std::uint32_t max_query_terms = 48;  // longer queries keep their highest-idf distinct terms
  SemanticOptions semantic;            // word vectors
};

// Checks ranges (weights finite and non-negative, 0 <= b <= 1, dim 8..1024, ...).
Status ValidateIndexOptions(const IndexOptions& options);

struct SearchOptions {
  std::size_t k = 5;            // results wanted (at most kMaxResults)
  std::string_view exclude_id;  // leave this document out (a ticket searching for itself)
  std::optional<DocKind> kind;  // only documents of this kind
  double min_score = 0.0;       // drop results scoring below this (see gate.h)
};

inline constexpr std::size_t kMaxResults = 1000;

struct Hit {
  std::string id;
  DocKind kind = DocKind::kOther;
  double score = 0;     // fused, 0..1, comparable across queries
  double lexical = 0;   // BM25F normalized by the query's own best possible score, 0..1
  double semantic = 0;  // embedding cosine clamped to 0..1
};

struct IndexStats {
  std::size_t documents = 0;     // live documents
  std::size_t terms = 0;         // vocabulary size, including terms of removed documents
  std::size_t postings = 0;      // stored postings, including not yet compacted ones
  std::size_t memory_bytes = 0;  // approximate heap held by the index
};

class Index {
 public:
  // REQUIRES: ValidateIndexOptions(options).ok(); use Create() to check.
  explicit Index(IndexOptions options = {});
  ~Index();
  Index(const Index&) = delete;
  Index& operator=(const Index&) = delete;

  static Result<std::unique_ptr<Index>> Create(const IndexOptions& options);

  // Adds a new document. kAlreadyExists when the id is taken, kInvalidArgument for an empty or
  // over-long id or a document with no indexable term, kResourceExhausted over kMaxDocumentBytes.
  Status Add(const Document& doc);
  // Adds or replaces the document with this id.
  Status Upsert(const Document& doc);
  // kNotFound for an unknown id.
  Status Remove(std::string_view id);
  // Changes a document's kind (an open ticket gets resolved) without re-indexing it.
  Status SetKind(std::string_view id, DocKind kind);

  bool Contains(std::string_view id) const;
  std::size_t size() const;

  // Ranks documents for `query`, best first. A query with no indexable term (only stop words or
  // symbols, or words the index has never seen) gives an empty list, not an error. kInvalidArgument
  // when options.k exceeds kMaxResults.
  Result<std::vector<Hit>> Search(std::string_view query, const SearchOptions& options) const;
  // As Search, for a query with a title (a new ticket's summary): title words weigh
  // options().title_weight, as they do in documents. `query.id` and `query.kind` are ignored.
  Result<std::vector<Hit>> SearchDocument(const Document& query,
                                          const SearchOptions& options) const;
  // The documents most like the indexed document `id` (itself excluded), from its stored terms:
  // what duplicate detection and `ticketwise similar` use. kNotFound for an unknown id.
  Result<std::vector<Hit>> SearchSimilar(std::string_view id, const SearchOptions& options) const;

  // Recomputes every document's embedding from the current word vectors.
  void RefreshEmbeddings();

  IndexStats Stats() const;
  const IndexOptions& options() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ticketwise::retrieve
