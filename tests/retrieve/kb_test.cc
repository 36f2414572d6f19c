#include "retrieve/kb_article.h"

#include <gtest/gtest.h>

#include <sstream>

namespace ticketwise::retrieve {
namespace {

const std::string kData = std::string(TW_SOURCE_DIR) + "/tests/retrieve/testdata/";

std::vector<std::string> Headings(const Article& a) {
  std::vector<std::string> h;
  for (const Section& s : a.sections) h.push_back(s.heading);
  return h;
}

TEST(KbArticleTest, MarkdownFileSplitsIntoSectionsAndFindsTheResolution) {
  auto report = ImportKbFile(kData + "vpn.md");
  ASSERT_TRUE(report) << report.error().ToString();
  ASSERT_EQ(report->articles.size(), 1u);
  const Article& a = report->articles[0];
  EXPECT_EQ(a.title, "VPN drops every hour");
  EXPECT_EQ(Headings(a), (std::vector<std::string>{"Ignored because the front matter has a title",
                                                   "Symptoms", "Cause", "Resolution"}))
      << a.Body();
  const std::string body = a.Body();
  EXPECT_NE(body.find("The VPN client disconnects every hour. See the client guide."),
            std::string::npos)
      << body;
  EXPECT_EQ(body.find("[!NOTE]"), std::string::npos);
  EXPECT_EQ(body.find("https://"), std::string::npos);
  const auto fixes = ResolutionSections(a);
  ASSERT_EQ(fixes.size(), 2u);
  EXPECT_EQ(fixes[0]->heading, "Resolution");
  EXPECT_NE(fixes[0]->text.find("Set-VpnTimeout -Minutes 0"), std::string::npos);
  EXPECT_EQ(fixes[1]->heading, "Cause");
  const Document d = ToDocument(a);
  EXPECT_EQ(d.kind, DocKind::kArticle);
  EXPECT_EQ(d.title, a.title);
}

TEST(KbArticleTest, HtmlFileSplitsAtHeadings) {
  auto report = ImportKbFile(kData + "printer.html");
  ASSERT_TRUE(report);
  ASSERT_EQ(report->articles.size(), 1u);
  const Article& a = report->articles[0];
  EXPECT_EQ(a.title, "Printer shows offline");
  EXPECT_EQ(Headings(a), (std::vector<std::string>{"Symptoms", "Workaround", "More information"}));
  EXPECT_NE(a.Body().find("KB4023057 & the vendor notes"), std::string::npos) << a.Body();
  EXPECT_EQ(a.Body().find("color:red"), std::string::npos);
  ASSERT_EQ(ResolutionSections(a).size(), 1u);
  EXPECT_NE(ResolutionSections(a)[0]->text.find("Restart the spooler"), std::string::npos);
}

TEST(KbArticleTest, JsonlLinesBecomeArticlesAndBadLinesAreReported) {
  std::istringstream in(
      "{\"id\":\"kb1\",\"title\":\"Outlook crashes\",\"link\":\"https://kb/1\","
      "\"body_md\":\"## Resolution\\nRun outlook /safe.\"}\n"
      "not json\n"
      "{\"title\":\"no id\",\"body_md\":\"x\"}\n"
      "{\"id\":\"kb2\",\"body\":\"<h2>Fix</h2><p>Clear the cache.</p>\"}\n"
      "{\"id\":\"kb3\",\"body_md\":\"   \"}\n"
      "{\"id\":\"kb4\",\"body_md\":42}\n");
  auto report = ParseKbJsonl(in, "kb.jsonl");
  ASSERT_TRUE(report);
  ASSERT_EQ(report->articles.size(), 2u);
  EXPECT_EQ(report->articles[0].id, "kb1");
  EXPECT_EQ(report->articles[0].link, "https://kb/1");
  EXPECT_EQ(report->articles[1].title, "Fix");
  ASSERT_EQ(report->problems.size(), 4u);
  EXPECT_NE(report->problems[0].find("kb.jsonl:2"), std::string::npos) << report->problems[0];
  EXPECT_NE(report->problems[2].find("empty"), std::string::npos) << report->problems[2];
}

TEST(KbArticleTest, RefusesEmptyHugeAndUnknownInput) {
  EXPECT_EQ(ParseMarkdownArticle("a", "").error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseHtmlArticle("a", "  \n ").error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseHtmlArticle("a", "<html><script>x()</script></html>").error().code(),
            StatusCode::kInvalidArgument);
  const std::string huge(kMaxArticleBytes + 1, 'a');
  EXPECT_EQ(ParseMarkdownArticle("a", huge).error().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(ParseHtmlArticle("a", huge).error().code(), StatusCode::kResourceExhausted);
  EXPECT_FALSE(KbFormatFromPath("notes.txt"));
  EXPECT_EQ(ImportKbFile("/nonexistent/kb.md").error().code(), StatusCode::kNotFound);
}

TEST(KbArticleTest, BrokenMarkupStillGivesText) {
  auto md =
      ParseMarkdownArticle("m", "## Unclosed [link](http://x\n```\nfence never closed\n# \n##");
  ASSERT_TRUE(md);
  EXPECT_NE(md->Body().find("fence never closed"), std::string::npos);
  auto html = ParseHtmlArticle("h", "<h2>Cause<h2 <p>text without closing <b>tags <h9>x</h");
  ASSERT_TRUE(html);
  EXPECT_NE(html->Body().find("text without closing"), std::string::npos) << html->Body();
  auto bad_utf8 = ParseMarkdownArticle("u", "## Fix\nreset \xff\xfe the cache");
  ASSERT_TRUE(bad_utf8);
  EXPECT_NE(bad_utf8->Body().find("the cache"), std::string::npos);
}

}  // namespace
}  // namespace ticketwise::retrieve
