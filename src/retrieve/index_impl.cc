// Index::Impl: inserting, erasing, compacting and searching. See index.h for the contract.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <span>

#include "retrieve/analyzer.h"
#include "retrieve/index_internal.h"

namespace ticketwise::retrieve {
namespace {

std::uint64_t HashTerm(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a: stable across runs and platforms
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// Weight of a term that occurs `tf` (field-weighted) times in a query: sublinear, as repeated
// words in a long ticket say less than new ones.
double QueryTf(double tf) { return tf >= 1 ? 1.0 + std::log(tf) : tf; }

std::uint16_t Saturate(std::uint32_t v) { return static_cast<std::uint16_t>(std::min(v, 65535u)); }

}  // namespace

Analyzed AnalyzeDocument(const Document& doc) {
  Analyzed a;
  AnalyzeScratch scratch;
  Analyze(doc.title, &a.title, &scratch);
  Analyze(doc.body, &a.body, &scratch);
  return a;
}

double Index::Impl::Idf(std::uint32_t term) const {
  const double n = static_cast<double>(live_docs);
  const double d = df[term];
  return std::log(1.0 + (n - d + 0.5) / (d + 0.5));
}

void Index::Impl::Insert(const std::string& id, DocKind doc_kind, const Analyzed& a) {
  // Map terms to ids, growing the vocabulary.
  auto term_ids = [&](const std::vector<std::string>& terms, std::vector<TermRef>* out) {
    out->reserve(terms.size());
    for (const std::string& t : terms) {
      auto it = vocab.find(t);
      std::uint32_t tid;
      if (it == vocab.end()) {
        tid = static_cast<std::uint32_t>(term_hash.size());
        vocab.emplace(t, tid);
        term_hash.push_back(HashTerm(t));
        postings.emplace_back();
        df.push_back(0);
        max_impact.push_back(0);
      } else {
        tid = it->second;
      }
      out->push_back({tid, term_hash[tid]});
    }
  };
  std::vector<TermRef> title, body;
  term_ids(a.title, &title);
  term_ids(a.body, &body);
  // Context comes from informative neighbours: weight each by its idf as the index stands now
  // (this document counted), so that "the error in the logs" says little about "error".
  for (std::vector<TermRef>* seq : {&title, &body})
    for (TermRef& t : *seq)
      t.weight = static_cast<float>(std::log(1.0 + (live_docs + 1.0) / (df[t.id] + 1.0)));
  semantic.Grow(term_hash.size());

  std::uint32_t slot;
  if (!free_slots.empty()) {
    slot = free_slots.back();
    free_slots.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slot_id.size());
    slot_id.emplace_back();
    live.push_back(0);
    kind.push_back(0);
    len_title.push_back(0);
    len_body.push_back(0);
    inv_norm_title.push_back(0);
    inv_norm_body.push_back(0);
    doc_terms.emplace_back();
    embedding.resize(embedding.size() + semantic.dim(), 0.0f);
  }
  slot_id[slot] = id;
  live[slot] = 1;
  kind[slot] = static_cast<std::uint8_t>(doc_kind);
  len_title[slot] = static_cast<float>(title.size());
  len_body[slot] = static_cast<float>(body.size());

  // Distinct terms with their counts per field.
  std::unordered_map<std::uint32_t, std::pair<std::uint32_t, std::uint32_t>> counts;
  for (const TermRef& t : title) ++counts[t.id].first;
  for (const TermRef& t : body) ++counts[t.id].second;
  std::vector<TermCount>& terms = doc_terms[slot];
  terms.clear();
  terms.reserve(counts.size());
  for (const auto& [tid, c] : counts) terms.push_back({tid, Saturate(c.first), Saturate(c.second)});
  std::sort(terms.begin(), terms.end(),
            [](const TermCount& x, const TermCount& y) { return x.term < y.term; });
  sum_len_title += title.size();
  sum_len_body += body.size();
  ++live_docs;
  MaybeRenormalize();
  SetNorms(slot);
  for (const TermCount& t : terms) {
    // Lists stay sorted by slot (searches probe them); a reused slot goes in its place.
    std::vector<Posting>& list = postings[t.term];
    const std::uint8_t tt = static_cast<std::uint8_t>(std::min<unsigned>(t.tf_title, 255));
    const std::uint8_t tb = static_cast<std::uint8_t>(std::min<unsigned>(t.tf_body, 255));
    const Posting p{slot, Impact(slot, tt, tb), tt, tb};
    max_impact[t.term] = std::max(max_impact[t.term], p.impact);
    if (list.empty() || list.back().doc < slot) {
      list.push_back(p);
    } else {
      list.insert(std::upper_bound(list.begin(), list.end(), slot,
                                   [](std::uint32_t d, const Posting& x) { return d < x.doc; }),
                  p);
    }
    ++df[t.term];
  }
  total_postings += terms.size();
  ids.emplace(id, slot);
  dirty_since_refresh = true;
  semantic.Learn(title);
  semantic.Learn(body);
  EmbedSlot(slot);
  // Early embeddings were made from word vectors that had seen little text; redo them as the
  // collection grows (amortized: each doubling re-embeds what is there).
  if (live_docs >= 32 && live_docs >= 2 * docs_at_refresh) RefreshEmbeddingsLocked();
}

void Index::Impl::SetNorms(std::uint32_t slot) {
  const double b = options.b;
  inv_norm_title[slot] =
      static_cast<float>(1.0 / (1 - b + b * len_title[slot] / std::max(1e-9, norm_avg_title)));
  inv_norm_body[slot] =
      static_cast<float>(1.0 / (1 - b + b * len_body[slot] / std::max(1e-9, norm_avg_body)));
}

std::uint16_t Index::Impl::Impact(std::uint32_t slot, unsigned tf_title, unsigned tf_body) const {
  const double tf = options.title_weight * tf_title * inv_norm_title[slot] +
                    options.body_weight * tf_body * inv_norm_body[slot];
  if (tf <= 0) return 0;
  // At least 1, so that a document holding the term is never mistaken for a removed one.
  return static_cast<std::uint16_t>(
      std::clamp(std::lround(65535.0 * tf / (options.k1 + tf)), 1L, 65535L));
}

void Index::Impl::MaybeRenormalize() {
  if (live_docs == 0) return;
  const double avg_title = sum_len_title / live_docs, avg_body = sum_len_body / live_docs;
  auto drifted = [](double now, double then) {
    return std::abs(now - then) > 0.1 * std::max(now, then);
  };
  if (!drifted(avg_title, norm_avg_title) && !drifted(avg_body, norm_avg_body)) return;
  norm_avg_title = avg_title;
  norm_avg_body = avg_body;
  for (std::uint32_t slot = 0; slot < slot_id.size(); ++slot)
    if (live[slot]) SetNorms(slot);
  for (std::uint32_t term = 0; term < postings.size(); ++term) {
    std::uint16_t top = 0;
    for (Posting& p : postings[term]) {
      if (!live[p.doc]) continue;
      p.impact = Impact(p.doc, p.tf_title, p.tf_body);
      top = std::max(top, p.impact);
    }
    max_impact[term] = top;
  }
}

void Index::Impl::Erase(std::uint32_t slot) {
  ids.erase(slot_id[slot]);
  live[slot] = 0;
  for (const TermCount& t : doc_terms[slot]) {
    --df[t.term];
    std::vector<Posting>& list = postings[t.term];
    auto it = std::lower_bound(list.begin(), list.end(), slot,
                               [](const Posting& p, std::uint32_t d) { return p.doc < d; });
    if (it != list.end() && it->doc == slot) it->impact = 0;
  }
  sum_len_title -= len_title[slot];
  sum_len_body -= len_body[slot];
  --live_docs;
  ++dead_docs;
  MaybeRenormalize();
}

void Index::Impl::MaybeCompact() {
  if (dead_docs < 1024 && dead_docs * 4 < live_docs + dead_docs) return;
  total_postings = 0;
  for (std::vector<Posting>& list : postings) {
    std::erase_if(list, [&](const Posting& p) { return !live[p.doc]; });
    if (list.capacity() > 2 * list.size() + 8) list.shrink_to_fit();
    total_postings += list.size();
  }
  for (std::uint32_t slot = 0; slot < slot_id.size(); ++slot) {
    if (live[slot] || doc_terms[slot].empty()) continue;
    std::vector<TermCount>().swap(doc_terms[slot]);
    std::string().swap(slot_id[slot]);
    free_slots.push_back(slot);
  }
  // Reuse the lowest slots first, so the hot part of the arrays stays small.
  std::sort(free_slots.rbegin(), free_slots.rend());
  dead_docs = 0;
}

void Index::Impl::EmbedSlot(std::uint32_t slot) {
  const std::vector<TermCount>& terms = doc_terms[slot];
  std::vector<TermRef> ids_buf;
  std::vector<float> weights;
  ids_buf.reserve(terms.size());
  weights.reserve(terms.size());
  for (const TermCount& t : terms) {
    const double tf = options.title_weight * t.tf_title + options.body_weight * t.tf_body;
    if (tf <= 0) continue;
    ids_buf.push_back({t.term, term_hash[t.term]});
    weights.push_back(static_cast<float>(QueryTf(tf) * Idf(t.term)));
  }
  const std::uint32_t dim = semantic.dim();
  semantic.Embed(ids_buf, weights,
                 std::span<float>(embedding.data() + std::size_t(slot) * dim, dim));
}

void Index::Impl::RefreshEmbeddingsLocked() {
  if (!dirty_since_refresh) return;
  dirty_since_refresh = false;
  for (std::uint32_t slot = 0; slot < slot_id.size(); ++slot)
    if (live[slot]) EmbedSlot(slot);
  docs_at_refresh = live_docs;
}

IndexStats Index::Impl::StatsLocked() const {
  IndexStats s;
  s.documents = live_docs;
  s.terms = term_hash.size();
  s.postings = total_postings;
  std::size_t bytes = semantic.MemoryBytes() + embedding.capacity() * sizeof(float);
  bytes += term_hash.capacity() * sizeof(std::uint64_t) + df.capacity() * 4;
  bytes += postings.capacity() * sizeof(std::vector<Posting>);
  for (const auto& list : postings) bytes += list.capacity() * sizeof(Posting);
  // Hash-map nodes: key string (with its heap buffer when long), value, next pointer, hash.
  for (const auto& [term, tid] : vocab) bytes += 64 + (term.size() > 15 ? term.size() + 1 : 0);
  for (const auto& [id, slot] : ids) bytes += 64 + (id.size() > 15 ? id.size() + 1 : 0);
  for (const auto& id : slot_id) bytes += sizeof(std::string) + (id.size() > 15 ? id.size() : 0);
  for (const auto& terms : doc_terms)
    bytes += sizeof(std::vector<TermCount>) + terms.capacity() * sizeof(TermCount);
  bytes += (len_title.capacity() + len_body.capacity()) * sizeof(float) + 2 * live.capacity();
  s.memory_bytes = bytes;
  return s;
}

SearchScratch* Index::Impl::AcquireScratch() const {
  std::lock_guard lock(scratch_mu_);
  if (scratch_pool_.empty()) return new SearchScratch();
  SearchScratch* s = scratch_pool_.back().release();
  scratch_pool_.pop_back();
  return s;
}

void Index::Impl::ReleaseScratch(SearchScratch* s) const {
  std::lock_guard lock(scratch_mu_);
  scratch_pool_.emplace_back(s);
}

void Index::Impl::QueryFromTerms(const Analyzed& a, std::vector<QueryTerm>* q,
                                 double* query_len) const {
  std::unordered_map<std::uint32_t, double> counts;
  auto add = [&](const std::vector<std::string>& terms, double weight) {
    for (const std::string& t : terms) {
      auto it = vocab.find(t);
      if (it != vocab.end() && df[it->second] > 0) counts[it->second] += weight;
    }
  };
  add(a.title, options.title_weight);
  add(a.body, options.body_weight);
  *query_len = static_cast<double>(a.title.size() + a.body.size());
  q->clear();
  for (const auto& [tid, c] : counts) q->push_back({tid, c});
}

void Index::Impl::QueryFromSlot(std::uint32_t slot, std::vector<QueryTerm>* q,
                                double* query_len) const {
  q->clear();
  for (const TermCount& t : doc_terms[slot]) {
    const double w = options.title_weight * t.tf_title + options.body_weight * t.tf_body;
    if (w > 0 && df[t.term] > 0) q->push_back({t.term, w});
  }
  *query_len = len_title[slot] + len_body[slot];
}

void Index::Impl::SearchLocked(std::vector<QueryTerm> q, double query_len, const SearchOptions& o,
                               std::vector<Hit>* hits) const {
  if (live_docs == 0 || q.empty()) return;
  for (QueryTerm& t : q) t.idf = Idf(t.term);
  // Highest idf first, so that over-long queries keep their most telling terms.
  std::sort(q.begin(), q.end(), [](const QueryTerm& a, const QueryTerm& b) {
    return a.idf != b.idf ? a.idf > b.idf : a.term < b.term;
  });
  if (q.size() > options.max_query_terms) q.resize(options.max_query_terms);

  const double k1 = options.k1, b = options.b;
  const double avg_body = std::max(1e-9, norm_avg_body);
  std::uint32_t excluded = UINT32_MAX;
  if (!o.exclude_id.empty())
    if (auto it = ids.find(o.exclude_id); it != ids.end()) excluded = it->second;

  SearchScratch* scratch = AcquireScratch();
  struct Lease {
    const Impl* impl;
    SearchScratch* s;
    ~Lease() { impl->ReleaseScratch(s); }
  } lease{this, scratch};
  std::vector<float>& acc = scratch->acc;
  if (acc.size() < slot_id.size()) acc.resize(slot_id.size(), 0.0f);
  // Slots with acc != 0, in the order they were first touched. The buffer has room for every
  // slot and one more, so that recording a document needs no branch: the slot is always written
  // (one past the last recorded), the count grows only when the document is new. Contributions are
  // positive, so a document is new exactly once.
  if (scratch->touched.size() < slot_id.size() + 1) scratch->touched.resize(slot_id.size() + 1);
  std::uint32_t* const touched_begin = scratch->touched.data();
  std::uint32_t* touched_end = touched_begin;
  auto touched = [&] { return std::span<const std::uint32_t>(touched_begin, touched_end); };

  auto eligible = [&](std::uint32_t slot) {
    return slot != excluded && (!o.kind || kind[slot] == static_cast<std::uint8_t>(*o.kind));
  };
  auto contribution = [](const Posting& p, float qwf) { return qwf * p.impact; };

  // The best the query could score: itself as a body-only document of its own length.
  double self = 0;
  const double self_norm = 1 - b + b * query_len / avg_body;
  std::vector<float> qwf(q.size()), rest(q.size() + 1, 0.0f);
  for (std::size_t i = 0; i < q.size(); ++i) {
    const double qw = q[i].idf * QueryTf(q[i].qtf);
    const double tf_self = q[i].qtf / self_norm;
    self += qw * tf_self * (k1 + 1) / (k1 + tf_self);
    qwf[i] = static_cast<float>(qw * (k1 + 1) / 65535.0);
  }
  // rest[i]: the most that terms i.. can add to any document.
  for (std::size_t i = q.size(); i-- > 0;) rest[i] = rest[i + 1] + qwf[i] * max_impact[q[i].term];

  // Term at a time, rarest first. Once the `want`-th best eligible score so far (theta) exceeds
  // what the remaining terms could add, no unseen document can reach the candidates: the remaining
  // (common, long) posting lists then only add to the documents that still can.
  const std::size_t want = std::max<std::size_t>(options.candidates, o.k);
  // A result needs min_score; the semantic signal adds at most semantic_weight, so its lexical
  // share must reach (min_score - w) / (1 - w) of the query's own score. No document below that
  // floor can be returned, so it is a lower bound on theta from the start, and once the remaining
  // terms add less than the floor no unseen document can reach it (the margin covers rounding).
  const double w_sem = options.semantic_weight;
  float floor = 0;
  if (o.min_score > w_sem && w_sem < 1 && self > 0)
    floor = static_cast<float>((o.min_score - w_sem) / (1 - w_sem) * self * (1 - 1e-4));
  float max_acc = 0, theta = 0;
  float last_try = std::numeric_limits<float>::infinity();
  std::size_t ti = 0;
  for (; ti < q.size(); ++ti) {
    if (rest[ti] < floor) {
      theta = floor;
      break;
    }
    if (rest[ti] < max_acc && rest[ti] < 0.5f * last_try &&
        std::size_t(touched_end - touched_begin) > want) {
      last_try = rest[ti];
      // theta can only exceed rest[ti] when `want` documents score above it: only those count.
      std::vector<float>& vals = scratch->values;
      vals.clear();
      for (std::uint32_t slot : touched())
        if (acc[slot] > rest[ti] && eligible(slot)) vals.push_back(acc[slot]);
      if (vals.size() >= want) {
        std::nth_element(vals.begin(), vals.begin() + (want - 1), vals.end(), std::greater<>());
        theta = std::max(vals[want - 1], floor);
        break;
      }
    }
    for (const Posting& p : postings[q[ti].term]) {
      if (p.impact == 0) continue;
      const float c = contribution(p, qwf[ti]);
      float& acc_doc = acc[p.doc];
      *touched_end = p.doc;
      touched_end += acc_doc == 0;
      acc_doc += c;
      max_acc = std::max(max_acc, acc_doc);
    }
  }
  theta = std::max(theta, floor);
  const bool pruned = ti < q.size();
  // A document is still alive while acc + rest[ti] >= theta; the test loses documents only as
  // rest shrinks, so each list below serves the documents that survived the lists before it.
  // A list much longer than the alive set is probed for those documents (galloping search), which
  // needs them sorted; a shorter one is read from start to end, adding only to the alive.
  constexpr float kMinPositive = std::numeric_limits<float>::min();
  std::vector<std::uint32_t>& alive = scratch->alive;
  bool alive_sorted = false;
  std::size_t alive_count = 0;  // an upper bound until alive_sorted
  if (pruned)
    for (std::uint32_t slot : touched()) alive_count += acc[slot] + rest[ti] >= theta;
  for (; ti < q.size(); ++ti) {
    const std::vector<Posting>& list = postings[q[ti].term];
    // The margin covers rounding; the bound stays above 0, so untouched documents get nothing.
    const float bound = std::max(theta - rest[ti] - 1e-5f * theta, kMinPositive);
    if (list.size() < 8 * alive_count) {
      const float qw = qwf[ti];
      for (const Posting& p : list) {
        float& acc_doc = acc[p.doc];
        acc_doc += acc_doc >= bound ? contribution(p, qw) : 0.0f;
      }
      continue;
    }
    if (!alive_sorted) {
      alive.clear();
      for (std::uint32_t slot : touched())
        if (acc[slot] >= bound && eligible(slot)) alive.push_back(slot);
      std::sort(alive.begin(), alive.end());
      alive_sorted = true;
    }
    auto it = list.begin();
    std::size_t n = 0;
    for (std::uint32_t slot : alive) {
      if (acc[slot] < bound) continue;
      alive[n++] = slot;
      if (it == list.end()) continue;
      // Galloping search: the probes are sorted, so each starts where the last one ended.
      std::size_t step = 1;
      auto hi = it;
      while (hi != list.end() && hi->doc < slot) {
        it = hi;
        hi = (list.end() - hi > static_cast<std::ptrdiff_t>(step)) ? hi + step : list.end();
        step *= 2;
      }
      it = std::lower_bound(it, hi, slot,
                            [](const Posting& p, std::uint32_t d) { return p.doc < d; });
      if (it != list.end() && it->doc == slot) acc[slot] += contribution(*it, qwf[ti]);
    }
    alive.resize(n);
    alive_count = n;
  }

  // Lexical candidates, then the semantic signal for them. Every document that can be among the
  // `want` best scores at least theta.
  std::vector<std::pair<float, std::uint32_t>> cand;
  cand.reserve(pruned ? 4 * want : touched().size());
  for (std::uint32_t slot : touched())
    if (acc[slot] >= theta && eligible(slot)) cand.push_back({acc[slot], slot});
  if (touched().size() > acc.size() / 16) {
    std::fill(acc.begin(), acc.end(), 0.0f);
  } else {
    for (std::uint32_t slot : touched()) acc[slot] = 0;
  }
  auto better = [](const std::pair<float, std::uint32_t>& x,
                   const std::pair<float, std::uint32_t>& y) {
    return x.first != y.first ? x.first > y.first : x.second < y.second;
  };
  const std::size_t keep = std::min<std::size_t>(cand.size(), want);
  if (keep < cand.size()) std::nth_element(cand.begin(), cand.begin() + keep, cand.end(), better);
  cand.resize(keep);
  std::sort(cand.begin(), cand.end(), better);

  const std::uint32_t dim = semantic.dim();
  std::vector<float>& qe = scratch->query_embedding;
  qe.assign(dim, 0.0f);
  {
    std::vector<TermRef> qids;
    std::vector<float> qweights;
    for (const QueryTerm& t : q) {
      qids.push_back({t.term, term_hash[t.term]});
      qweights.push_back(static_cast<float>(QueryTf(t.qtf) * t.idf));
    }
    semantic.Embed(qids, qweights, qe);
  }
  const double w = options.semantic_weight;
  std::vector<Hit> scored;
  scored.reserve(cand.size());
  for (const auto& [lex_raw, slot] : cand) {
    Hit h;
    h.lexical = self > 0 ? std::min(1.0, lex_raw / self) : 0.0;
    const std::span<const float> de(embedding.data() + std::size_t(slot) * dim, dim);
    h.semantic = std::clamp(static_cast<double>(Dot(qe, de)), 0.0, 1.0);
    h.score = (1 - w) * h.lexical + w * h.semantic;
    if (h.score < o.min_score) continue;
    h.kind = static_cast<DocKind>(kind[slot]);
    h.id = slot_id[slot];
    scored.push_back(std::move(h));
  }
  if (options.fusion == Fusion::kReciprocalRank && !scored.empty()) {
    // `scored` is in lexical order; rank it by the semantic signal too, then by the sum of both
    // reciprocal ranks (kept in Hit::lexical's place only while sorting).
    std::vector<std::size_t> by_sem(scored.size());
    for (std::size_t i = 0; i < by_sem.size(); ++i) by_sem[i] = i;
    std::stable_sort(by_sem.begin(), by_sem.end(), [&](std::size_t x, std::size_t y) {
      return scored[x].semantic > scored[y].semantic;
    });
    std::vector<double> rrf(scored.size());
    for (std::size_t i = 0; i < scored.size(); ++i) rrf[i] += 1.0 / (60.0 + i);
    for (std::size_t r = 0; r < by_sem.size(); ++r) rrf[by_sem[r]] += 1.0 / (60.0 + r);
    std::vector<std::size_t> order(scored.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t x, std::size_t y) { return rrf[x] > rrf[y]; });
    std::vector<Hit> ranked;
    ranked.reserve(std::min(o.k, order.size()));
    for (std::size_t i = 0; i < order.size() && i < o.k; ++i)
      ranked.push_back(std::move(scored[order[i]]));
    *hits = std::move(ranked);
    return;
  }
  const std::size_t k = std::min(o.k, scored.size());
  std::partial_sort(scored.begin(), scored.begin() + k, scored.end(),
                    [](const Hit& x, const Hit& y) {
                      return x.score != y.score ? x.score > y.score : x.id < y.id;
                    });
  scored.resize(k);
  *hits = std::move(scored);
}

}  // namespace ticketwise::retrieve
