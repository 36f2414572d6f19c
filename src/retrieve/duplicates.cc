#include "retrieve/duplicates.h"

namespace ticketwise::retrieve {

Result<Duplicates> FindDuplicates(const Index& index, const Document& ticket,
                                  const DuplicateOptions& options) {
  SearchOptions so;
  so.k = options.k;
  so.exclude_id = ticket.id;
  so.kind = DocKind::kOpenTicket;
  so.min_score = options.threshold;
  auto hits = index.SearchDocument(ticket, so);
  if (!hits) return Fail(hits.error());
  Duplicates d;
  d.threshold = options.threshold;
  for (Hit& h : *hits) d.likely.push_back({std::move(h.id), h.score});
  return d;
}

}  // namespace ticketwise::retrieve
