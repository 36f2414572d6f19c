#include "retrieve/index.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace ticketwise::retrieve {
namespace {

Document Doc(std::string id, std::string title, std::string body,
             DocKind kind = DocKind::kArticle) {
  return {std::move(id), std::move(title), std::move(body), kind};
}

SearchOptions Opts(std::size_t k, std::string_view exclude = {},
                   std::optional<DocKind> kind = std::nullopt) {
  SearchOptions o;
  o.k = k;
  o.exclude_id = exclude;
  o.kind = kind;
  return o;
}

std::vector<std::string> Ids(const Result<std::vector<Hit>>& hits) {
  std::vector<std::string> ids;
  if (hits)
    for (const Hit& h : *hits) ids.push_back(h.id);
  return ids;
}

// A small index with unrelated filler so that idf means something.
void AddFiller(Index* index) {
  const char* topics[] = {"badge reader at the door does not open",
                          "new laptop for the intern",
                          "monitor flickers after docking",
                          "request access to the finance share",
                          "teams meeting audio echo",
                          "keyboard missing keys",
                          "printer jam on floor two",
                          "software licence renewal for visio"};
  int i = 0;
  for (const char* t : topics)
    ASSERT_TRUE(
        index->Add(Doc("filler" + std::to_string(i++), t, std::string(t) + " please help")).ok());
}

TEST(Bm25IndexTest, RanksExactTitleMatchAboveBodyMatch) {
  Index index;
  AddFiller(&index);
  ASSERT_TRUE(index
                  .Add(Doc("body", "Mail client problems",
                           "Users report that the vpn client disconnects every hour"))
                  .ok());
  ASSERT_TRUE(
      index.Add(Doc("title", "VPN client disconnects", "Users report problems every hour")).ok());
  auto hits = index.Search("vpn client disconnects", {});
  ASSERT_TRUE(hits);
  ASSERT_GE(hits->size(), 2u);
  EXPECT_EQ((*hits)[0].id, "title");
  EXPECT_EQ((*hits)[1].id, "body");
  EXPECT_GT((*hits)[0].score, (*hits)[1].score);
}

TEST(Bm25IndexTest, StemmedQueryFindsOtherInflections) {
  Index index;
  AddFiller(&index);
  ASSERT_TRUE(
      index.Add(Doc("a", "Outlook crashed", "Outlook crashed when opening attachments")).ok());
  EXPECT_EQ(Ids(index.Search("outlook crashing on attachment", {})).front(), "a");
}

TEST(Bm25IndexTest, ScoresAreBetweenZeroAndOneAndSortedBestFirst) {
  Index index;
  AddFiller(&index);
  ASSERT_TRUE(index.Add(Doc("x", "printer jam", "printer jam on floor two again")).ok());
  auto hits = index.Search("printer jam floor two", Opts(10));
  ASSERT_TRUE(hits);
  ASSERT_FALSE(hits->empty());
  for (std::size_t i = 0; i < hits->size(); ++i) {
    EXPECT_GE((*hits)[i].score, 0.0);
    EXPECT_LE((*hits)[i].score, 1.0);
    EXPECT_GE((*hits)[i].lexical, 0.0);
    EXPECT_LE((*hits)[i].semantic, 1.0);
    if (i) {
      EXPECT_GE((*hits)[i - 1].score, (*hits)[i].score);
    }
  }
}

TEST(Bm25IndexTest, NewDocumentIsSearchableImmediately) {
  Index index;
  AddFiller(&index);
  EXPECT_TRUE(Ids(index.Search("sharepoint quota exceeded", {})).empty());
  ASSERT_TRUE(index.Add(Doc("new", "SharePoint quota exceeded", "site storage is full")).ok());
  EXPECT_EQ(Ids(index.Search("sharepoint quota exceeded", {})), std::vector<std::string>{"new"});
  EXPECT_TRUE(index.Contains("new"));
  EXPECT_EQ(index.size(), 9u);
}

TEST(Bm25IndexTest, RemovedDocumentDisappearsAndItsIdCanBeReused) {
  Index index;
  AddFiller(&index);
  ASSERT_TRUE(index.Add(Doc("gone", "Citrix receiver error", "citrix receiver error 1030")).ok());
  ASSERT_TRUE(index.Remove("gone").ok());
  EXPECT_TRUE(Ids(index.Search("citrix receiver", {})).empty());
  EXPECT_FALSE(index.Contains("gone"));
  EXPECT_EQ(index.Remove("gone").code(), StatusCode::kNotFound);
  ASSERT_TRUE(index.Add(Doc("gone", "Citrix receiver error", "now with a fix")).ok());
  EXPECT_EQ(Ids(index.Search("citrix receiver", {})), std::vector<std::string>{"gone"});
}

TEST(Bm25IndexTest, UpsertReplacesTheDocument) {
  Index index;
  AddFiller(&index);
  ASSERT_TRUE(index.Add(Doc("d", "Excel freezes", "excel freezes on save")).ok());
  EXPECT_EQ(index.Add(Doc("d", "other", "other words")).code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(index.Upsert(Doc("d", "Word freezes", "word freezes on print")).ok());
  EXPECT_TRUE(Ids(index.Search("excel", {})).empty());
  EXPECT_EQ(Ids(index.Search("word freezes", {})), std::vector<std::string>{"d"});
  EXPECT_EQ(index.size(), 9u);
}

TEST(Bm25IndexTest, StopWordOnlyAndUnknownQueriesGiveNoResults) {
  Index index;
  AddFiller(&index);
  for (const char* q : {"", "the and of is", "!!! ??? ---", "zyxwvut qqqq", "\xff\xfe"}) {
    auto hits = index.Search(q, {});
    ASSERT_TRUE(hits) << q;
    EXPECT_TRUE(hits->empty()) << q;
  }
  Index empty;
  auto hits = empty.Search("printer", {});
  ASSERT_TRUE(hits);
  EXPECT_TRUE(hits->empty());
}

TEST(Bm25IndexTest, RefusesBadDocumentsAndOptions) {
  Index index;
  EXPECT_EQ(index.Add(Doc("", "t", "b")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index.Add(Doc(std::string(kMaxIdBytes + 1, 'x'), "t", "body words")).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(index.Add(Doc("stop", "the", "and of it")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index.Add(Doc("huge", "", std::string(kMaxDocumentBytes + 1, 'a'))).code(),
            StatusCode::kResourceExhausted);
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(index.Search("x", Opts(kMaxResults + 1)).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index.SearchSimilar("nope", {}).error().code(), StatusCode::kNotFound);
  EXPECT_EQ(index.SetKind("nope", DocKind::kOpenTicket).code(), StatusCode::kNotFound);
  IndexOptions bad;
  bad.b = 2;
  EXPECT_FALSE(Index::Create(bad));
  bad = {};
  bad.semantic.dim = 4;
  EXPECT_FALSE(Index::Create(bad));
  EXPECT_TRUE(Index::Create({}));
}

TEST(Bm25IndexTest, ExcludesAnIdAndFiltersByKind) {
  Index index;
  AddFiller(&index);
  ASSERT_TRUE(index.Add(Doc("t1", "disk full", "disk full on server", DocKind::kOpenTicket)).ok());
  ASSERT_TRUE(
      index.Add(Doc("t2", "disk full", "disk full on laptop", DocKind::kResolvedTicket)).ok());
  EXPECT_EQ(Ids(index.Search("disk full", Opts(5, "t1"))), std::vector<std::string>{"t2"});
  EXPECT_EQ(Ids(index.Search("disk full", Opts(5, {}, DocKind::kOpenTicket))),
            std::vector<std::string>{"t1"});
  ASSERT_TRUE(index.SetKind("t1", DocKind::kResolvedTicket).ok());
  EXPECT_TRUE(Ids(index.Search("disk full", Opts(5, {}, DocKind::kOpenTicket))).empty());
  auto similar = index.SearchSimilar("t1", {});
  ASSERT_TRUE(similar);
  ASSERT_FALSE(similar->empty());
  EXPECT_EQ(similar->front().id, "t2");
  for (const Hit& h : *similar) EXPECT_NE(h.id, "t1");
}

TEST(Bm25IndexTest, TitledQueryWeighsItsTitle) {
  Index index;
  AddFiller(&index);
  ASSERT_TRUE(index.Add(Doc("mouse", "mouse", "wireless mouse stopped working")).ok());
  ASSERT_TRUE(index.Add(Doc("screen", "screen", "screen stays black after wake")).ok());
  // Equal words in the text, the title breaks the tie.
  Document q{"", "screen black", "mouse screen"};
  EXPECT_EQ(Ids(index.SearchDocument(q, {})).front(), "screen");
}

TEST(Bm25IndexTest, StaysCorrectAcrossManyRemovalsAndCompaction) {
  Index index;
  for (int i = 0; i < 3000; ++i)
    ASSERT_TRUE(index
                    .Add(Doc("d" + std::to_string(i), "ticket " + std::to_string(i),
                             "word" + std::to_string(i % 50) + " common text"))
                    .ok());
  const std::size_t postings_before = index.Stats().postings;
  for (int i = 0; i < 2500; ++i) ASSERT_TRUE(index.Remove("d" + std::to_string(i)).ok());
  EXPECT_LT(index.Stats().postings, postings_before / 2);  // compacted
  EXPECT_EQ(index.size(), 500u);
  auto hits = index.Search("word7", Opts(100));
  ASSERT_TRUE(hits);
  EXPECT_EQ(hits->size(), 10u);  // d2507, d2557, ... d2957
  for (const Hit& h : *hits) EXPECT_GE(std::stoi(h.id.substr(1)), 2500);
  for (int i = 0; i < 900; ++i)
    ASSERT_TRUE(index.Add(Doc("e" + std::to_string(i), "", "word7 fresh")).ok());
  EXPECT_EQ(index.Search("word7", Opts(1000))->size(), 910u);
}

TEST(Bm25IndexTest, SameDocumentsGiveTheSameRanking) {
  auto build = [](Index* index) {
    AddFiller(index);
    for (int i = 0; i < 50; ++i)
      ASSERT_TRUE(index
                      ->Add(Doc("d" + std::to_string(i), "printer " + std::to_string(i % 7),
                                "toner low tray " + std::to_string(i % 5)))
                      .ok());
  };
  Index a, b;
  build(&a);
  build(&b);
  auto ha = a.Search("printer toner tray 3", Opts(20));
  auto hb = b.Search("printer toner tray 3", Opts(20));
  ASSERT_TRUE(ha && hb);
  ASSERT_EQ(ha->size(), hb->size());
  for (std::size_t i = 0; i < ha->size(); ++i) {
    EXPECT_EQ((*ha)[i].id, (*hb)[i].id);
    EXPECT_DOUBLE_EQ((*ha)[i].score, (*hb)[i].score);
  }
}

// Early termination (the candidates' threshold against what the remaining terms could add) must
// not change the ranking: an index with room for every document as a candidate never stops early.
TEST(Bm25IndexTest, EarlyTerminationKeepsTheExactLexicalRanking) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  // Skewed word frequencies, as in real text: a few words in most documents, most words rare.
  auto words = [&](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += "w" + std::to_string(int(1500 * std::pow(u(rng), 3))) + " ";
    return s;
  };
  IndexOptions exact_options;
  exact_options.semantic_weight = 0;
  exact_options.candidates = 100000;
  IndexOptions fast_options = exact_options;
  fast_options.candidates = 50;
  Index exact(exact_options), fast(fast_options);
  for (int i = 0; i < 3000; ++i) {
    const Document d = Doc("d" + std::to_string(i), words(2 + i % 5), words(10 + i % 70),
                           i % 3 == 0 ? DocKind::kOpenTicket : DocKind::kArticle);
    ASSERT_TRUE(exact.Add(d).ok());
    ASSERT_TRUE(fast.Add(d).ok());
  }
  for (int i = 0; i < 3000; i += 17) {
    ASSERT_TRUE(exact.Remove("d" + std::to_string(i)).ok());
    ASSERT_TRUE(fast.Remove("d" + std::to_string(i)).ok());
  }
  auto same = [](const Result<std::vector<Hit>>& a, const Result<std::vector<Hit>>& b) {
    ASSERT_TRUE(a && b);
    ASSERT_EQ(a->size(), b->size());
    for (std::size_t i = 0; i < a->size(); ++i) {
      EXPECT_EQ((*a)[i].id, (*b)[i].id) << "rank " << i;
      EXPECT_EQ((*a)[i].lexical, (*b)[i].lexical) << "rank " << i;
    }
  };
  for (int n = 0; n < 30; ++n) {
    const std::string query = words(5 + 5 * n);
    same(exact.Search(query, Opts(50)), fast.Search(query, Opts(50)));
    same(exact.Search(query, Opts(50, {}, DocKind::kOpenTicket)),
         fast.Search(query, Opts(50, {}, DocKind::kOpenTicket)));
    const int doc = 1 + 97 * n;
    if (doc % 17 == 0) continue;  // removed
    const std::string id = "d" + std::to_string(doc);
    same(exact.SearchSimilar(id, Opts(50)), fast.SearchSimilar(id, Opts(50)));
  }
}

TEST(Bm25IndexTest, AMinimumScorePrunesWithoutChangingWhatReachesIt) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(0, 1);
  auto words = [&](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += "w" + std::to_string(int(800 * std::pow(u(rng), 3))) + " ";
    return s;
  };
  Index index;  // default options: the semantic signal has its share of the score
  std::vector<std::string> texts;
  for (int i = 0; i < 2000; ++i) {
    // Near-copies of earlier documents, as duplicates are, among unrelated ones.
    std::string body = i % 4 == 3 ? texts[i / 2] + words(3) : words(10 + i % 50);
    texts.push_back(body);
    ASSERT_TRUE(index.Add(Doc("d" + std::to_string(i), words(3), body)).ok());
  }
  std::size_t compared = 0;
  for (int n = 0; n < 40; ++n) {
    const std::string query = n % 2 == 0 ? texts[37 * n] : words(8 + n);
    for (double min_score : {0.3, 0.55, 0.75}) {
      SearchOptions all = Opts(25);
      SearchOptions gated = Opts(25);
      gated.min_score = min_score;
      auto a = index.Search(query, all);
      auto g = index.Search(query, gated);
      ASSERT_TRUE(a && g);
      std::vector<Hit> expected;
      for (const Hit& h : *a)
        if (h.score >= min_score) expected.push_back(h);
      ASSERT_EQ(g->size(), expected.size()) << query << " at " << min_score;
      for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ((*g)[i].id, expected[i].id);
        EXPECT_EQ((*g)[i].score, expected[i].score);
      }
      compared += expected.size();
    }
  }
  EXPECT_GT(compared, 40u);  // the gate let real matches through
}

TEST(Bm25IndexTest, ReciprocalRankFusionReturnsTheSameCandidates) {
  IndexOptions o;
  o.fusion = Fusion::kReciprocalRank;
  Index index(o);
  AddFiller(&index);
  auto hits = index.Search("printer jam", Opts(3));
  ASSERT_TRUE(hits);
  ASSERT_FALSE(hits->empty());
  EXPECT_EQ(hits->front().id, "filler6");
}

TEST(Bm25IndexTest, ConcurrentSearchesWhileAWriterAddsAndRemoves) {
  Index index;
  AddFiller(&index);
  std::atomic<bool> stop{false};
  std::atomic<int> searches{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t)
    readers.emplace_back([&] {
      while (!stop) {
        auto hits = index.Search("printer jam laptop", Opts(5));
        ASSERT_TRUE(hits);
        ASSERT_FALSE(hits->empty());
        ++searches;
      }
    });
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(index.Add(Doc("w" + std::to_string(i), "laptop", "laptop battery")).ok());
    if (i % 3 == 0) {
      ASSERT_TRUE(index.Remove("w" + std::to_string(i)).ok());
    }
  }
  stop = true;
  for (auto& r : readers) r.join();
  EXPECT_GT(searches.load(), 0);
  EXPECT_EQ(index.size(), 8u + 2000u - 667u);
}

TEST(SemanticTest, WordsSharingContextsGetCloserEmbeddings) {
  // "vpn" and "tunnel" never meet but share neighbours; "printer" lives elsewhere.
  SemanticOptions so;
  so.dim = 64;
  so.window = 2;
  so.identity_weight = 0;
  SemanticModel model(so);
  model.Grow(8);
  auto ref = [](std::uint32_t id) { return TermRef{id, 1000u + id * 7919u, 1.0f}; };
  for (int i = 0; i < 20; ++i) {
    std::vector<TermRef> a = {ref(2), ref(0), ref(3)};  // remote vpn connect
    std::vector<TermRef> b = {ref(2), ref(1), ref(3)};  // remote tunnel connect
    std::vector<TermRef> c = {ref(5), ref(4), ref(6)};  // toner printer tray
    model.Learn(a);
    model.Learn(b);
    model.Learn(c);
  }
  std::vector<float> vpn(64), tunnel(64), printer(64);
  const std::vector<float> w = {1.0f};
  model.Embed(std::vector<TermRef>{ref(0)}, w, vpn);
  model.Embed(std::vector<TermRef>{ref(1)}, w, tunnel);
  model.Embed(std::vector<TermRef>{ref(4)}, w, printer);
  EXPECT_GT(Dot(vpn, tunnel), 0.9f);
  EXPECT_LT(Dot(vpn, printer), 0.5f);
}

}  // namespace
}  // namespace ticketwise::retrieve
