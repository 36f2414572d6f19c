// SqliteStoreImpl: knowledge-base articles (see sqlite_store_impl.h).
#include <cstdint>
#include <string>
#include <utility>

#include "store/sqlite_store_impl.h"

namespace ticketwise::store {
namespace {

Status CheckArticleId(std::string_view id) {
  if (id.empty()) return Status::InvalidArgument("an article needs an id");
  if (id.size() > kMaxArticleIdBytes)
    return Status::InvalidArgument("article id longer than " + std::to_string(kMaxArticleIdBytes) +
                                   " bytes");
  return Status::Ok();
}

}  // namespace

Result<std::size_t> SqliteStoreImpl::PutArticles(std::string_view tenant,
                                                 const std::vector<KbArticle>& articles,
                                                 std::string_view actor) {
  for (const KbArticle& a : articles)
    if (Status s = CheckArticleId(a.id); !s.ok()) return Fail(s);
  std::lock_guard lock(mu_);
  const std::int64_t now = Now();
  Transaction tx(db_.get());
  if (Status s = tx.Begin(); !s.ok()) return Fail(s);
  if (Status s = TenantExistsLocked(tenant); !s.ok()) return Fail(s);
  std::size_t created = 0;
  for (const KbArticle& a : articles) {
    {
      auto exists = db_->Prepare("SELECT 1 FROM kb_articles WHERE tenant_id = ?1 AND id = ?2");
      if (!exists) return Fail(exists.error());
      (*exists)->Bind(1, tenant);
      (*exists)->Bind(2, a.id);
      Result<bool> row = (*exists)->Step();
      if (!row) return Fail(row.error());
      if (!*row) ++created;
    }
    {
      auto upsert = db_->Prepare(
          "INSERT INTO kb_articles (tenant_id, id, title, link, updated_at_ms)"
          " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (tenant_id, id) DO UPDATE SET"
          " title = excluded.title, link = excluded.link, updated_at_ms = excluded.updated_at_ms");
      if (!upsert) return Fail(upsert.error());
      Stmt& s = **upsert;
      s.Bind(1, tenant);
      s.Bind(2, a.id);
      s.Bind(3, a.title);
      s.Bind(4, a.link);
      s.Bind(5, now);
      if (Status st = s.Run(); !st.ok()) return Fail(st);
    }
    {
      auto del = db_->Prepare("DELETE FROM kb_sections WHERE tenant_id = ?1 AND article_id = ?2");
      if (!del) return Fail(del.error());
      (*del)->Bind(1, tenant);
      (*del)->Bind(2, a.id);
      if (Status st = (*del)->Run(); !st.ok()) return Fail(st);
    }
    auto section = db_->Prepare(
        "INSERT INTO kb_sections (tenant_id, article_id, position, heading, body)"
        " VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!section) return Fail(section.error());
    Stmt& s = **section;
    for (std::size_t i = 0; i < a.sections.size(); ++i) {
      s.Bind(1, tenant);
      s.Bind(2, a.id);
      s.Bind(3, static_cast<std::int64_t>(i));
      s.Bind(4, a.sections[i].heading);
      s.Bind(5, a.sections[i].text);
      if (Status st = s.Run(); !st.ok()) return Fail(st);
      s.Reset();
    }
    AuditRecord audit{.tenant_id = std::string(tenant),
                      .at_ms = now,
                      .what = "kb_article_put",
                      .subject_id = a.id,
                      .actor = std::string(actor)};
    if (Status st = AppendAuditLocked(audit); !st.ok()) return Fail(st);
  }
  if (Status s = tx.Commit(); !s.ok()) return Fail(s);
  return created;
}

Status SqliteStoreImpl::LoadSectionsLocked(std::string_view tenant, KbArticle* article) {
  auto stmt = db_->Prepare(
      "SELECT heading, body FROM kb_sections WHERE tenant_id = ?1 AND article_id = ?2"
      " ORDER BY position");
  if (!stmt) return stmt.error();
  Stmt& s = **stmt;
  s.Bind(1, tenant);
  s.Bind(2, article->id);
  return s.ForEachRow([&] {
    article->sections.push_back({s.Text(0), s.Text(1)});
    return Status::Ok();
  });
}

Result<KbArticle> SqliteStoreImpl::GetArticle(std::string_view tenant, std::string_view id) {
  std::lock_guard lock(mu_);
  Transaction tx(db_.get());
  if (Status s = tx.BeginRead(); !s.ok()) return Fail(s);
  KbArticle a;
  {
    auto stmt = db_->Prepare(
        "SELECT title, link, updated_at_ms FROM kb_articles WHERE tenant_id = ?1 AND id = ?2");
    if (!stmt) return Fail(stmt.error());
    Stmt& s = **stmt;
    s.Bind(1, tenant);
    s.Bind(2, id);
    Result<bool> row = s.Step();
    if (!row) return Fail(row.error());
    if (!*row) return Fail(Status::NotFound("no article " + std::string(id)));
    a.id = std::string(id);
    a.title = s.Text(0);
    a.link = s.Text(1);
    a.updated_at_ms = s.Int(2);
  }
  if (Status s = LoadSectionsLocked(tenant, &a); !s.ok()) return Fail(s);
  if (Status s = tx.Commit(); !s.ok()) return Fail(s);
  return a;
}

Status SqliteStoreImpl::DeleteArticle(std::string_view tenant, std::string_view id,
                                      std::string_view actor) {
  std::lock_guard lock(mu_);
  Transaction tx(db_.get());
  if (Status s = tx.Begin(); !s.ok()) return s;
  for (const char* sql : {"DELETE FROM kb_sections WHERE tenant_id = ?1 AND article_id = ?2",
                          "DELETE FROM kb_articles WHERE tenant_id = ?1 AND id = ?2"}) {
    auto del = db_->Prepare(sql);
    if (!del) return del.error();
    (*del)->Bind(1, tenant);
    (*del)->Bind(2, id);
    if (Status s = (*del)->Run(); !s.ok()) return s;
  }
  if (db_->Changes() == 0) return Status::NotFound("no article " + std::string(id));
  AuditRecord audit{.tenant_id = std::string(tenant),
                    .at_ms = Now(),
                    .what = "kb_article_deleted",
                    .subject_id = std::string(id),
                    .actor = std::string(actor)};
  if (Status s = AppendAuditLocked(audit); !s.ok()) return s;
  return tx.Commit();
}

Result<std::vector<KbArticle>> SqliteStoreImpl::ListArticles(std::string_view tenant,
                                                             std::string_view after_id,
                                                             std::uint32_t limit,
                                                             bool with_sections) {
  std::lock_guard lock(mu_);
  Transaction tx(db_.get());
  if (Status s = tx.BeginRead(); !s.ok()) return Fail(s);
  std::vector<KbArticle> out;
  {
    auto stmt = db_->Prepare(
        "SELECT id, title, link, updated_at_ms FROM kb_articles WHERE tenant_id = ?1 AND id > ?2"
        " ORDER BY id LIMIT ?3");
    if (!stmt) return Fail(stmt.error());
    Stmt& s = **stmt;
    s.Bind(1, tenant);
    s.Bind(2, after_id);
    s.Bind(3, static_cast<std::int64_t>(ClampLimit(limit)));
    Status status = s.ForEachRow([&] {
      KbArticle a;
      a.id = s.Text(0);
      a.title = s.Text(1);
      a.link = s.Text(2);
      a.updated_at_ms = s.Int(3);
      out.push_back(std::move(a));
      return Status::Ok();
    });
    if (!status.ok()) return Fail(status);
  }
  if (with_sections) {
    for (KbArticle& a : out)
      if (Status s = LoadSectionsLocked(tenant, &a); !s.ok()) return Fail(s);
  }
  if (Status s = tx.Commit(); !s.ok()) return Fail(s);
  return out;
}

}  // namespace ticketwise::store
