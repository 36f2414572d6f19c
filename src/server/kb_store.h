// Knowledge-base articles between the parser's form (retrieve::Article, what the index reads) and
// the store's plain values (store::KbArticle, what a restart loads again).
#pragma once

#include "retrieve/kb_article.h"
#include "store/store.h"

namespace ticketwise::server {

inline store::KbArticle ToStoredArticle(const retrieve::Article& a) {
  store::KbArticle out;
  out.id = a.id;
  out.title = a.title;
  out.link = a.link;
  for (const retrieve::Section& s : a.sections) out.sections.push_back({s.heading, s.text});
  return out;
}

inline retrieve::Article FromStoredArticle(const store::KbArticle& a) {
  retrieve::Article out;
  out.id = a.id;
  out.title = a.title;
  out.link = a.link;
  for (const store::KbSection& s : a.sections) out.sections.push_back({s.heading, s.text});
  return out;
}

}  // namespace ticketwise::server
