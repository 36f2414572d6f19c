#include "retrieve/index.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "retrieve/analyzer.h"
#include "retrieve/index_internal.h"

namespace ticketwise::retrieve {

std::string_view DocKindName(DocKind kind) {
  switch (kind) {
    case DocKind::kArticle:
      return "article";
    case DocKind::kResolvedTicket:
      return "resolved_ticket";
    case DocKind::kOpenTicket:
      return "open_ticket";
    case DocKind::kOther:
      return "other";
  }
  return "other";
}

Status ValidateIndexOptions(const IndexOptions& o) {
  auto finite_nonneg = [](double v) { return std::isfinite(v) && v >= 0; };
  if (!finite_nonneg(o.k1) || o.k1 > 100) return Status::InvalidArgument("k1 must be in [0, 100]");
  if (!(o.b >= 0 && o.b <= 1)) return Status::InvalidArgument("b must be in [0, 1]");
  if (!finite_nonneg(o.title_weight) || !finite_nonneg(o.body_weight) ||
      o.title_weight + o.body_weight <= 0 || o.title_weight > 1000 || o.body_weight > 1000)
    return Status::InvalidArgument("field weights must be in [0, 1000] and not both 0");
  if (!(o.semantic_weight >= 0 && o.semantic_weight <= 1))
    return Status::InvalidArgument("semantic_weight must be in [0, 1]");
  if (o.candidates < 1 || o.candidates > 100000)
    return Status::InvalidArgument("candidates must be in [1, 100000]");
  if (o.max_query_terms < 1) return Status::InvalidArgument("max_query_terms must be at least 1");
  if (o.semantic.dim < 8 || o.semantic.dim > 1024)
    return Status::InvalidArgument("semantic dim must be in [8, 1024]");
  if (o.semantic.window < 1 || o.semantic.window > 16)
    return Status::InvalidArgument("semantic window must be in [1, 16]");
  if (o.semantic.index_nonzero < 1 || o.semantic.index_nonzero > o.semantic.dim)
    return Status::InvalidArgument("semantic index_nonzero must be in [1, dim]");
  return Status::Ok();
}

Index::Index(IndexOptions options) : impl_(std::make_unique<Impl>(options)) {}
Index::~Index() = default;

Result<std::unique_ptr<Index>> Index::Create(const IndexOptions& options) {
  if (Status s = ValidateIndexOptions(options); !s.ok()) return Fail(s);
  return std::make_unique<Index>(options);
}

const IndexOptions& Index::options() const { return impl_->options; }

namespace {

Status CheckDocument(const Document& doc) {
  if (doc.id.empty()) return Status::InvalidArgument("document id is empty");
  if (doc.id.size() > kMaxIdBytes)
    return Status::InvalidArgument("document id is longer than " + std::to_string(kMaxIdBytes) +
                                   " bytes");
  if (doc.title.size() + doc.body.size() > kMaxDocumentBytes)
    return Status::ResourceExhausted("document '" + doc.id + "' is larger than " +
                                     std::to_string(kMaxDocumentBytes >> 20) + " MiB");
  return Status::Ok();
}

}  // namespace

Status Index::Add(const Document& doc) {
  if (Status s = CheckDocument(doc); !s.ok()) return s;
  Analyzed a = AnalyzeDocument(doc);
  if (a.title.empty() && a.body.empty())
    return Status::InvalidArgument("document '" + doc.id + "' has no indexable words");
  auto lock = impl_->WriteLock();
  if (impl_->ids.contains(doc.id))
    return Status::AlreadyExists("document '" + doc.id + "' is already indexed");
  impl_->Insert(doc.id, doc.kind, a);
  return Status::Ok();
}

Status Index::Upsert(const Document& doc) {
  if (Status s = CheckDocument(doc); !s.ok()) return s;
  Analyzed a = AnalyzeDocument(doc);
  if (a.title.empty() && a.body.empty())
    return Status::InvalidArgument("document '" + doc.id + "' has no indexable words");
  auto lock = impl_->WriteLock();
  if (auto it = impl_->ids.find(doc.id); it != impl_->ids.end()) impl_->Erase(it->second);
  impl_->Insert(doc.id, doc.kind, a);
  return Status::Ok();
}

Status Index::Remove(std::string_view id) {
  auto lock = impl_->WriteLock();
  auto it = impl_->ids.find(id);
  if (it == impl_->ids.end())
    return Status::NotFound("no document '" + std::string(id) + "' in the index");
  impl_->Erase(it->second);
  impl_->MaybeCompact();
  return Status::Ok();
}

Status Index::SetKind(std::string_view id, DocKind kind) {
  auto lock = impl_->WriteLock();
  auto it = impl_->ids.find(id);
  if (it == impl_->ids.end())
    return Status::NotFound("no document '" + std::string(id) + "' in the index");
  impl_->kind[it->second] = static_cast<std::uint8_t>(kind);
  return Status::Ok();
}

bool Index::Contains(std::string_view id) const {
  auto lock = impl_->ReadLock();
  return impl_->ids.contains(id);
}

std::size_t Index::size() const {
  auto lock = impl_->ReadLock();
  return impl_->live_docs;
}

void Index::RefreshEmbeddings() {
  auto lock = impl_->WriteLock();
  impl_->RefreshEmbeddingsLocked();
}

IndexStats Index::Stats() const {
  auto lock = impl_->ReadLock();
  return impl_->StatsLocked();
}

Result<std::vector<Hit>> Index::Search(std::string_view query, const SearchOptions& options) const {
  Document doc;
  doc.body = query;
  return SearchDocument(doc, options);
}

Result<std::vector<Hit>> Index::SearchDocument(const Document& query,
                                               const SearchOptions& options) const {
  if (options.k > kMaxResults)
    return Fail(Status::InvalidArgument("k must be at most " + std::to_string(kMaxResults)));
  if (query.title.size() + query.body.size() > kMaxDocumentBytes)
    return Fail(Status::ResourceExhausted("query is larger than " +
                                          std::to_string(kMaxDocumentBytes >> 20) + " MiB"));
  std::vector<Hit> hits;
  if (options.k == 0) return hits;
  const Analyzed a = AnalyzeDocument(query);
  if (a.title.empty() && a.body.empty()) return hits;
  auto lock = impl_->ReadLock();
  std::vector<QueryTerm> q;
  double len = 0;
  impl_->QueryFromTerms(a, &q, &len);
  impl_->SearchLocked(std::move(q), len, options, &hits);
  return hits;
}

Result<std::vector<Hit>> Index::SearchSimilar(std::string_view id,
                                              const SearchOptions& options) const {
  if (options.k > kMaxResults)
    return Fail(Status::InvalidArgument("k must be at most " + std::to_string(kMaxResults)));
  std::vector<Hit> hits;
  auto lock = impl_->ReadLock();
  auto it = impl_->ids.find(id);
  if (it == impl_->ids.end())
    return Fail(Status::NotFound("no document '" + std::string(id) + "' in the index"));
  if (options.k == 0) return hits;
  SearchOptions o = options;
  o.exclude_id = id;
  std::vector<QueryTerm> q;
  double len = 0;
  impl_->QueryFromSlot(it->second, &q, &len);
  impl_->SearchLocked(std::move(q), len, o, &hits);
  return hits;
}

}  // namespace ticketwise::retrieve
