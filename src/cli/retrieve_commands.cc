// similar, search and kb: the retrieval commands (see README "Similar tickets and knowledge base").
// They build an in-memory index from a file for offline evaluation; the service keeps one index per
// tenant instead.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "core/parallel.h"
#include "ingest/import.h"
#include "retrieve/index.h"
#include "retrieve/kb_article.h"
#include "server/kb_store.h"
#include "store/sqlite_store.h"

namespace ticketwise::cli {
namespace {

struct Row {
  retrieve::Document doc;
  std::size_t line = 0;
};

// Reads FILE with the id column as the import's "label" (so rows without an id are skipped and
// reported like any unusable row). With two or more text columns the first is the title and the
// rest the body.
Result<std::vector<Row>> ReadRows(const std::string& path, const std::string& id_col,
                                  const std::string& text_cols) {
  auto cols = ingest::ParseColumnList(text_cols);
  if (!cols) return Fail(cols.error().WithContext("--text"));
  ingest::ImportOptions io;
  io.text_columns = *cols;
  io.label_column = id_col;
  io.max_reported_skips = 20;
  auto data = ingest::ImportFile(path, io);
  if (!data) return Fail(data.error());
  std::map<std::size_t, std::string> titles;  // line -> first column's text
  if (cols->size() > 1) {
    ingest::ImportOptions title_io = io;
    title_io.text_columns = {cols->front()};
    title_io.max_reported_skips = 0;
    auto title_data = ingest::ImportFile(path, title_io);
    if (!title_data) return Fail(title_data.error());
    for (ingest::LabelledText& r : title_data->rows) titles[r.line] = std::move(r.text);
  }
  if (data->report.rows_skipped) std::fprintf(stderr, "%s\n", data->report.Summary().c_str());
  std::vector<Row> rows;
  rows.reserve(data->rows.size());
  for (ingest::LabelledText& r : data->rows) {
    Row row;
    row.line = r.line;
    row.doc.id = std::move(r.label);
    if (auto it = titles.find(r.line); it != titles.end() && r.text.starts_with(it->second)) {
      row.doc.title = it->second;
      row.doc.body = r.text.substr(std::min(r.text.size(), it->second.size() + 1));
    } else {
      row.doc.body = std::move(r.text);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// Indexes the rows of --data; rows the index refuses (a repeated id, no indexable word) are
// skipped and reported. Returns the ids indexed, in input order.
Result<std::vector<std::string>> LoadAndIndex(const Args& args, retrieve::Index* index) {
  auto rows = ReadRows(args.Get("data"), args.Get("id"), args.Get("text"));
  if (!rows) return Fail(rows.error());
  std::size_t refused = 0;
  std::vector<std::string> ids;
  ids.reserve(rows->size());
  for (Row& r : *rows) {
    Status s = index->Add(r.doc);
    if (!s.ok()) {
      if (++refused <= 20)
        std::fprintf(stderr, "%s:%zu: skipped: %s\n", args.Get("data").c_str(), r.line,
                     s.message().c_str());
      continue;
    }
    ids.push_back(std::move(r.doc.id));
  }
  if (refused > 20) std::fprintf(stderr, "... %zu rows skipped in all\n", refused);
  index->RefreshEmbeddings();
  return ids;
}

void AppendHits(std::string* out, const std::vector<retrieve::Hit>& hits) {
  *out += '[';
  for (std::size_t i = 0; i < hits.size(); ++i) {
    if (i) *out += ',';
    *out += "{\"id\":";
    AppendJsonString(out, hits[i].id);
    *out += ",\"score\":" + JsonNumber(hits[i].score, 4) + '}';
  }
  *out += ']';
}

Args& RetrievalFlags(Args& args) {
  return args.Flag("data", "FILE", "rows to index, .csv or .jsonl", true)
      .Flag("id", "COL", "the column holding each row's unique id", true)
      .Flag("text", "COLS",
            "comma-separated text columns; the first is the title when there are two or more", true)
      .Flag("k", "N", "results per query (1-1000)", false, "5")
      .Flag("semantic-weight", "W", "share of the learned word-vector signal in the score (0-1)",
            false, JsonNumber(retrieve::IndexOptions{}.semantic_weight))
      .Flag("title-weight", "W", "weight of a title word against a body word", false,
            JsonNumber(retrieve::IndexOptions{}.title_weight));
}

Result<std::unique_ptr<retrieve::Index>> IndexFrom(const Args& args) {
  retrieve::IndexOptions o;
  auto sw = args.GetDouble("semantic-weight");
  if (!sw) return Fail(sw.error());
  auto tw = args.GetDouble("title-weight");
  if (!tw) return Fail(tw.error());
  o.semantic_weight = *sw;
  o.title_weight = *tw;
  return retrieve::Index::Create(o);
}

Result<std::size_t> KFrom(const Args& args) {
  auto k = args.GetUint("k");
  if (!k) return Fail(k.error());
  if (*k < 1 || *k > retrieve::kMaxResults)
    return Fail(Status::InvalidArgument("--k must be between 1 and 1000, got " + args.Get("k")));
  return static_cast<std::size_t>(*k);
}

}  // namespace

int RunSimilar(const std::vector<std::string>& argv) {
  Args args("similar",
            "Indexes every row of FILE and prints, for each row in input order, one JSON object\n"
            "{\"id\":..,\"similar\":[{\"id\":..,\"score\":..},...]} with its k most similar other\n"
            "rows, best first. Scores are 0..1 and comparable across rows. Rows without an id or\n"
            "text, and rows repeating an earlier id, are skipped and reported on standard error.");
  RetrievalFlags(args).Flag("threads", "N", "query threads, 0 = one per core", false, "0");
  auto parsed = args.Parse(argv);
  if (!parsed) return Usage(parsed.error());
  if (!*parsed) return 0;
  auto k = KFrom(args);
  if (!k) return Usage(k.error());
  auto threads = args.GetUint("threads");
  if (!threads) return Usage(threads.error());

  auto made = IndexFrom(args);
  if (!made) return Usage(made.error());
  retrieve::Index& index = **made;
  auto rows = LoadAndIndex(args, &index);
  if (!rows) return Failed(rows.error());
  std::vector<std::string> lines(rows->size());
  Status failure;
  std::mutex mu;
  ParallelFor(rows->size(), static_cast<unsigned>(std::min<std::uint64_t>(*threads, 256)),
              [&](std::size_t i, unsigned) {
                retrieve::SearchOptions so;
                so.k = *k;
                auto hits = index.SearchSimilar((*rows)[i], so);
                if (!hits) {
                  std::lock_guard lock(mu);
                  failure = hits.error();
                  return;
                }
                std::string& out = lines[i];
                out = "{\"id\":";
                AppendJsonString(&out, (*rows)[i]);
                out += ",\"similar\":";
                AppendHits(&out, *hits);
                out += "}\n";
              });
  if (!failure.ok()) return Failed(failure);
  for (const std::string& l : lines) std::fwrite(l.data(), 1, l.size(), stdout);
  return 0;
}

void AppendResults(std::string* out, const std::vector<retrieve::Hit>& hits) {
  *out += "\"results\":[";
  for (std::size_t i = 0; i < hits.size(); ++i) {
    const retrieve::Hit& h = hits[i];
    if (i) *out += ',';
    *out += "{\"id\":";
    AppendJsonString(out, h.id);
    *out += ",\"score\":" + JsonNumber(h.score, 4) + ",\"lexical\":" + JsonNumber(h.lexical, 4) +
            ",\"semantic\":" + JsonNumber(h.semantic, 4) + '}';
  }
  *out += ']';
}

int RunSearch(const std::vector<std::string>& argv) {
  Args args(
      "search",
      "Indexes every row of FILE and prints the k best matches for a query as one JSON\n"
      "object "
      "{\"query\":..,\"results\":[{\"id\":..,\"score\":..,\"lexical\":..,\"semantic\":..}]}.\n"
      "With --queries, every row of QFILE (same --id and --text columns; the first text\n"
      "column is its title) is a query, printed as {\"id\":..,\"results\":[...]} in input\n"
      "order. A query of only stop words or unknown words gives an empty list.");
  RetrievalFlags(args)
      .Flag("q", "QUERY", "the query text")
      .Flag("queries", "QFILE", "a file of queries instead of --q")
      .Flag("query-text", "COLS", "text columns of QFILE (default: those of --text)");
  auto parsed = args.Parse(argv);
  if (!parsed) return Usage(parsed.error());
  if (!*parsed) return 0;
  auto k = KFrom(args);
  if (!k) return Usage(k.error());
  if (args.Has("q") == args.Has("queries"))
    return Usage(Status::InvalidArgument("give exactly one of --q and --queries"));
  auto made = IndexFrom(args);
  if (!made) return Usage(made.error());
  retrieve::Index& index = **made;
  auto ids = LoadAndIndex(args, &index);
  if (!ids) return Failed(ids.error());
  retrieve::SearchOptions so;
  so.k = *k;
  if (args.Has("q")) {
    auto hits = index.Search(args.Get("q"), so);
    if (!hits) return Failed(hits.error());
    std::string out = "{\"query\":";
    AppendJsonString(&out, args.Get("q"));
    out += ',';
    AppendResults(&out, *hits);
    out += "}\n";
    std::fputs(out.c_str(), stdout);
    return 0;
  }
  auto queries = ReadRows(args.Get("queries"), args.Get("id"),
                          args.Has("query-text") ? args.Get("query-text") : args.Get("text"));
  if (!queries) return Failed(queries.error());
  std::vector<std::string> lines(queries->size());
  Status failure;
  std::mutex mu;
  ParallelFor(queries->size(), 0, [&](std::size_t i, unsigned) {
    auto hits = index.SearchDocument((*queries)[i].doc, so);
    if (!hits) {
      std::lock_guard lock(mu);
      failure = hits.error();
      return;
    }
    std::string& out = lines[i];
    out = "{\"id\":";
    AppendJsonString(&out, (*queries)[i].doc.id);
    out += ',';
    AppendResults(&out, *hits);
    out += "}\n";
  });
  if (!failure.ok()) return Failed(failure);
  for (const std::string& l : lines) std::fwrite(l.data(), 1, l.size(), stdout);
  return 0;
}

}  // namespace ticketwise::cli

namespace ticketwise::cli {

namespace {

constexpr char kKbUsage[] =
    "usage: ticketwise kb import FILE... [--db FILE --tenant NAME] [--quiet]";

// The id of the tenant named (or with the id) `name` in the store.
}  // namespace

int RunKb(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0] != "import") {
    if (!argv.empty() && (argv[0] == "--help" || argv[0] == "-h")) {
      std::printf("%s\n", kKbUsage);
      return 0;
    }
    return Usage(Status::InvalidArgument(kKbUsage));
  }
  std::vector<std::string> files;
  bool quiet = false;
  std::string db, tenant_name;
  for (std::size_t i = 1; i < argv.size(); ++i) {
    if (argv[i] == "--help" || argv[i] == "-h") {
      std::printf(
          "%s\n\n"
          "Parses knowledge-base articles and prints each as one JSON object\n"
          "{\"id\":..,\"title\":..,\"link\":..,\"sections\":[\"heading\",...],\"resolution\":..,"
          "\"chars\":N}\n"
          "where resolution holds the Resolution / Solution / Workaround (then Cause) sections.\n"
          "FILE is .jsonl (one article per line: id, body_md or body, optional title, link/url),\n"
          ".md or .html (one article; its id is the path). Articles that cannot be used are\n"
          "reported on standard error and skipped.\n\n"
          "With --tenant the articles are also stored as that tenant's knowledge base (added, or\n"
          "replaced by id); the service searches them from its next start. A running service\n"
          "takes articles at once through POST /v1/kb/articles.\n\n"
          "  --db FILE       SQLite database file (default ./ticketwise.db)\n"
          "  --tenant NAME   store the articles for this tenant (its name or id)\n"
          "  --quiet         print only the summary\n",
          kKbUsage);
      return 0;
    }
    if (argv[i] == "--quiet") {
      quiet = true;
    } else if ((argv[i] == "--db" || argv[i] == "--tenant") && i + 1 < argv.size()) {
      (argv[i] == "--db" ? db : tenant_name) = argv[i + 1];
      ++i;
    } else if (argv[i].starts_with("--")) {
      return Usage(Status::InvalidArgument("kb import: unknown flag or missing value: " + argv[i]));
    } else {
      files.push_back(argv[i]);
    }
  }
  if (files.empty()) return Usage(Status::InvalidArgument("kb import: name at least one FILE"));
  if (!db.empty() && tenant_name.empty())
    return Usage(Status::InvalidArgument("kb import: --db needs --tenant"));
  std::unique_ptr<store::Store> store;
  std::string tenant;
  if (!tenant_name.empty()) {
    if (db.empty()) db = "./ticketwise.db";
    auto opened = store::OpenSqliteStore(db);
    if (!opened) return Failed(opened.error().WithContext(db));
    store = std::move(*opened);
    auto id = FindTenant(store.get(), tenant_name);
    if (!id) return Failed(id.error());
    tenant = std::move(*id);
  }
  std::size_t articles = 0, skipped = 0, created = 0;
  for (const std::string& file : files) {
    auto report = retrieve::ImportKbFile(file);
    if (!report) return Failed(report.error());
    for (std::size_t i = 0; i < report->problems.size(); ++i)
      if (i < 20) std::fprintf(stderr, "%s\n", report->problems[i].c_str());
    skipped += report->problems.size();
    articles += report->articles.size();
    if (store != nullptr) {
      std::vector<store::KbArticle> rows;
      for (const retrieve::Article& a : report->articles)
        rows.push_back(server::ToStoredArticle(a));
      auto n = store->PutArticles(tenant, rows, "cli");
      if (!n) return Failed(n.error().WithContext(file));
      created += *n;
    }
    if (quiet) continue;
    std::string out;
    for (const retrieve::Article& a : report->articles) {
      out = "{\"id\":";
      AppendJsonString(&out, a.id);
      out += ",\"title\":";
      AppendJsonString(&out, a.title);
      out += ",\"link\":";
      AppendJsonString(&out, a.link);
      out += ",\"sections\":[";
      for (std::size_t i = 0; i < a.sections.size(); ++i) {
        if (i) out += ',';
        AppendJsonString(&out, a.sections[i].heading);
      }
      out += "],\"resolution\":";
      AppendJsonString(&out, retrieve::ResolutionText(a));
      out += ",\"chars\":" + std::to_string(a.Body().size()) + "}\n";
      std::fwrite(out.data(), 1, out.size(), stdout);
    }
  }
  if (store != nullptr) {
    std::fprintf(stderr, "kb import: %zu articles (%zu new) stored for tenant %s, %zu skipped\n",
                 articles, created, tenant.c_str(), skipped);
  } else {
    std::fprintf(stderr, "kb import: %zu articles, %zu skipped\n", articles, skipped);
  }
  return 0;
}

}  // namespace ticketwise::cli
