// Index::Impl: the data structures behind Index (index.h). Private to src/retrieve. Callers hold
// `mu` (shared for reads, exclusive for writes) around every member function except
// AnalyzeDocument, which is pure.
#pragma once

#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "retrieve/index.h"
#include "retrieve/semantic.h"

namespace ticketwise::retrieve {

// A document's terms after analysis, per field, in text order.
struct Analyzed {
  std::vector<std::string> title;
  std::vector<std::string> body;
};

Analyzed AnalyzeDocument(const Document& doc);

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// One document's occurrences of one term.
// `impact` is the document side of BM25F, tf / (k1 + tf) with the field weights and length
// normalization applied, scaled to 0..65535; a search multiplies it by the query term's weight, so
// the inner loop touches nothing but the posting and the score array. Removed documents' impacts
// are zero until compaction drops them.
struct Posting {
  std::uint32_t doc = 0;
  std::uint16_t impact = 0;
  std::uint8_t tf_title = 0;  // saturated at 255, far past where BM25 stops counting
  std::uint8_t tf_body = 0;
};

// A document's distinct terms (kept for removal and for recomputing its embedding).
struct TermCount {
  std::uint32_t term = 0;
  std::uint16_t tf_title = 0;
  std::uint16_t tf_body = 0;
};

struct QueryTerm {
  std::uint32_t term = 0;
  double qtf = 0;  // field-weighted occurrences in the query
  double idf = 0;
};

// Per-search buffers, pooled so concurrent searches do not allocate the score array each time.
struct SearchScratch {
  std::vector<float> acc;              // BM25F accumulator per slot
  std::vector<std::uint32_t> touched;  // slots with acc != 0 (room for every slot)
  std::vector<float> query_embedding;
  std::vector<float> values;         // scores, for finding the pruning threshold
  std::vector<std::uint32_t> alive;  // slots that can still reach the candidates
};

class Index::Impl {
 public:
  explicit Impl(IndexOptions o) : options(o), semantic(o.semantic) {}

  void Insert(const std::string& id, DocKind doc_kind, const Analyzed& a);
  void Erase(std::uint32_t slot);
  void MaybeCompact();
  void RefreshEmbeddingsLocked();
  IndexStats StatsLocked() const;
  // A query is a bag of (term, field-weighted count); `query_len` is its length in terms.
  void QueryFromTerms(const Analyzed& a, std::vector<QueryTerm>* q, double* query_len) const;
  void QueryFromSlot(std::uint32_t slot, std::vector<QueryTerm>* q, double* query_len) const;
  void SearchLocked(std::vector<QueryTerm> q, double query_len, const SearchOptions& o,
                    std::vector<Hit>* hits) const;

  // glibc's rwlock prefers readers: under a steady stream of searches a writer could wait forever.
  // A writer therefore holds `turnstile` while it waits for the readers inside to leave, and a new
  // search passes through the turnstile first: it sleeps behind a waiting writer (no spinning,
  // which would take the core the writer's readers need) and enters right after it.
  std::unique_lock<std::shared_mutex> WriteLock() {
    std::lock_guard<std::mutex> turn(turnstile);
    return std::unique_lock<std::shared_mutex>(mu);
  }
  std::shared_lock<std::shared_mutex> ReadLock() const {
    { std::lock_guard<std::mutex> turn(turnstile); }
    return std::shared_lock<std::shared_mutex>(mu);
  }

  IndexOptions options;
  mutable std::shared_mutex mu;
  mutable std::mutex turnstile;

  // Vocabulary.
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> vocab;
  std::vector<std::uint64_t> term_hash;
  std::vector<std::vector<Posting>> postings;  // by term id
  std::vector<std::uint32_t> df;               // live documents holding the term
  std::vector<std::uint16_t> max_impact;       // an upper bound of the term's posting impacts

  // Documents, by slot. Slots of removed documents are reused after a compaction.
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> ids;
  std::vector<std::string> slot_id;
  std::vector<std::uint8_t> live;
  std::vector<std::uint8_t> kind;
  std::vector<float> len_title, len_body;
  // 1 / (1 - b + b * len / average len) per slot and field, for the averages in norm_avg_*;
  // recomputed, with every impact, when the averages drift by more than 10%.
  std::vector<float> inv_norm_title, inv_norm_body;
  double norm_avg_title = 0, norm_avg_body = 0;
  std::vector<std::vector<TermCount>> doc_terms;
  std::vector<float> embedding;  // slot x dim, unit length (or zero)
  std::vector<std::uint32_t> free_slots;
  std::size_t live_docs = 0, dead_docs = 0, total_postings = 0;
  double sum_len_title = 0, sum_len_body = 0;
  std::size_t docs_at_refresh = 0;
  bool dirty_since_refresh = false;  // documents were added since the last refresh

  SemanticModel semantic;

 private:
  double Idf(std::uint32_t term) const;
  void EmbedSlot(std::uint32_t slot);
  void SetNorms(std::uint32_t slot);
  std::uint16_t Impact(std::uint32_t slot, unsigned tf_title, unsigned tf_body) const;
  void MaybeRenormalize();
  SearchScratch* AcquireScratch() const;
  void ReleaseScratch(SearchScratch* s) const;

  mutable std::mutex scratch_mu_;
  mutable std::vector<std::unique_ptr<SearchScratch>> scratch_pool_;
};

}  // namespace ticketwise::retrieve
