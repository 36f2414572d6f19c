// Handlers for the knowledge base and search, and the loading of every tenant's knowledge at
// start-up.
#include <charconv>
#include <sstream>
#include <utility>

#include "retrieve/kb_article.h"
#include "server/api_json.h"
#include "server/kb_store.h"
#include "server/log.h"
#include "server/server_impl.h"
#include "text/utf8.h"

namespace ticketwise::server {
Status Server::Impl::LoadKnowledge(const std::string& tenant) {
  engine::Knowledge& knowledge = engine.knowledge();
  std::string after;
  for (;;) {
    auto page = store->ListArticles(tenant, after, store::kMaxListLimit, true);
    if (!page) return page.error();
    for (const store::KbArticle& a : *page) {
      // An article the index cannot take (no indexable text) stays stored and listed; it is only
      // not searchable, as when it was first put.
      if (Status s = knowledge.PutArticle(tenant, FromStoredArticle(a)); !s.ok())
        LogLine("article " + a.id + " of tenant " + tenant + " is not searchable: " + s.ToString());
    }
    if (page->size() < store::kMaxListLimit) break;
    after = page->back().id;
  }
  return store->ForEachTicket(tenant, [&](const store::StoredTicket& t, bool triaged) {
    static_cast<void>(knowledge.PutTicket(tenant, t.ticket, triaged, t.updated_at_ms));
    return Status::Ok();
  });
}

void Server::Impl::StoreArticles(const httplib::Request& req, httplib::Response& res,
                                 const std::string& tenant, std::string_view path_id) {
  if (!RequireJson(req, res)) return;
  auto jsonl = ArticleRequestToJsonl(req.body, path_id);
  if (!jsonl) return SendStatus(res, jsonl.error());
  std::istringstream in(*jsonl);
  auto report = retrieve::ParseKbJsonl(in, "articles");
  if (!report) return SendStatus(res, report.error());
  const std::size_t received = report->articles.size() + report->problems.size();
  if (!path_id.empty() && report->articles.empty())
    return SendError(
        res, 400, "invalid_argument",
        report->problems.empty() ? "the body holds no article" : report->problems.front());
  std::vector<store::KbArticle> stored;
  stored.reserve(report->articles.size());
  for (const retrieve::Article& a : report->articles) stored.push_back(ToStoredArticle(a));
  // Stored first: what the store holds is what a restart indexes again.
  auto created = store->PutArticles(tenant, stored, "api");
  if (!created) return SendStatus(res, created.error());
  std::vector<std::string> warnings;
  for (const retrieve::Article& a : report->articles) {
    if (Status s = engine.knowledge().PutArticle(tenant, a); !s.ok())
      warnings.push_back("article " + a.id + " is stored but not searchable: " + s.message());
  }
  res.status = *created > 0 ? 201 : 200;
  res.set_content(ArticlePutJson(received, stored.size(), *created, report->problems, warnings),
                  kJson);
}

void Server::Impl::PostArticles(const httplib::Request& req, httplib::Response& res,
                                const std::string& tenant) {
  StoreArticles(req, res, tenant, {});
}

void Server::Impl::PutArticle(const httplib::Request& req, httplib::Response& res,
                              const std::string& tenant) {
  StoreArticles(req, res, tenant, req.matches[1].str());
}

void Server::Impl::GetArticle(const httplib::Request& req, httplib::Response& res,
                              const std::string& tenant) {
  auto article = store->GetArticle(tenant, req.matches[1].str());
  if (!article) return SendStatus(res, article.error());
  res.set_content(ArticleJson(*article, retrieve::ResolutionText(FromStoredArticle(*article))),
                  kJson);
}

void Server::Impl::ListArticles(const httplib::Request& req, httplib::Response& res,
                                const std::string& tenant) {
  auto limit = CountParam(req, "limit", 50, store::kMaxListLimit);
  if (!limit) return SendStatus(res, limit.error());
  auto articles = store->ListArticles(tenant, req.get_param_value("after"), *limit + 1, false);
  if (!articles) return SendStatus(res, articles.error());
  const bool more = articles->size() > *limit;
  if (more) articles->resize(*limit);
  res.set_content(ArticleListJson(*articles, more), kJson);
}

void Server::Impl::DeleteArticle(const httplib::Request& req, httplib::Response& res,
                                 const std::string& tenant) {
  const std::string id = req.matches[1].str();
  if (Status s = store->DeleteArticle(tenant, id, "api"); !s.ok()) return SendStatus(res, s);
  // The index may not hold it (it had no indexable text); the store decided that it existed.
  static_cast<void>(engine.knowledge().RemoveArticle(tenant, id));
  res.status = 204;
}

void Server::Impl::Search(const httplib::Request& req, httplib::Response& res,
                          const std::string& tenant) {
  const std::string query = req.get_param_value("q");
  if (query.find_first_not_of(" \t\r\n") == std::string::npos)
    return SendError(res, 400, "invalid_argument", "query parameter 'q' must not be empty");
  if (!text::IsValidUtf8(query))
    return SendError(res, 400, "invalid_argument", "query parameter 'q' is not valid UTF-8");
  auto k = CountParam(req, "k", 5, 100);
  if (!k) return SendStatus(res, k.error());
  std::optional<SourceKind> kind;
  if (req.has_param("kind")) {
    kind = ParseSourceKind(req.get_param_value("kind"));
    if (!kind) return SendError(res, 400, "invalid_argument", "kind must be article or ticket");
  }
  auto hits = engine.knowledge().Search(tenant, query, *k, kind);
  if (!hits) return SendStatus(res, hits.error());
  res.set_content(SearchJson(query, engine.knowledge().options().gate_threshold, *hits), kJson);
}

}  // namespace ticketwise::server
