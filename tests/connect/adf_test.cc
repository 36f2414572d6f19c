#include "connect/adf.h"

#include <string>

#include <gtest/gtest.h>

namespace ticketwise::connect {
namespace {

TEST(AdfTest, ParagraphsListsAndInlineNodesReadAsText) {
  auto text = AdfToText(R"({"type":"doc","version":1,"content":[
    {"type":"paragraph","content":[{"type":"text","text":"AI triage: ","marks":[{"type":"strong"}]},
                                    {"type":"text","text":"likely VPN timeout"}]},
    {"type":"bulletList","content":[
      {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"Check VPN idle policy"}]}]},
      {"type":"listItem","content":[{"type":"paragraph","content":[
        {"type":"text","text":"ask "},{"type":"mention","attrs":{"id":"1","text":"@Dana"}}]}]}]}]})");
  ASSERT_TRUE(text.has_value()) << text.error().ToString();
  EXPECT_EQ(*text, "AI triage: likely VPN timeout\n\n- Check VPN idle policy\n- ask @Dana");
}

TEST(AdfTest, HardBreaksTablesCardsAndDatesKeepTheirVisibleText) {
  auto text = AdfToText(R"({"type":"doc","content":[
    {"type":"paragraph","content":[{"type":"text","text":"one"},{"type":"hardBreak"},
      {"type":"text","text":"two "},{"type":"date","attrs":{"timestamp":"1764720000000"}},
      {"type":"text","text":" "},{"type":"status","attrs":{"text":"BLOCKED"}},
      {"type":"text","text":" "},{"type":"inlineCard","attrs":{"url":"https://kb.example.com/1"}}]},
    {"type":"table","content":[{"type":"tableRow","content":[
      {"type":"tableCell","content":[{"type":"paragraph","content":[{"type":"text","text":"a"}]}]},
      {"type":"tableCell","content":[{"type":"paragraph","content":[{"type":"text","text":"b"}]}]}]}]},
    {"type":"mediaSingle","content":[{"type":"media","attrs":{"id":"x"}}]},
    {"type":"futureNode","content":[{"type":"text","text":"still read"}]}]})");
  ASSERT_TRUE(text.has_value()) << text.error().ToString();
  EXPECT_EQ(*text, "one\ntwo 2025-12-03 BLOCKED https://kb.example.com/1\n\na | b\n\nstill read");
}

TEST(AdfTest, RefusesWhatIsNotAnAdfNode) {
  EXPECT_EQ(AdfToText("not json").error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(AdfToText(R"({"version":1})").error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(AdfToText(R"([1,2])").error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(AdfToText("{\"type\":\"text\",\"text\":\"\xff\"}").error().code(),
            StatusCode::kInvalidArgument);
}

TEST(AdfTest, DeepNestingIsCutOffNotACrash) {
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += R"({"type":"blockquote","content":[)";
  deep += R"({"type":"text","text":"bottom"})";
  for (int i = 0; i < 5000; ++i) deep += "]}";
  auto text = AdfToText(deep);
  ASSERT_TRUE(text.has_value()) << text.error().ToString();
  EXPECT_EQ(text->find("bottom"), std::string::npos);
}

TEST(AdfTest, EmptyDocumentIsEmptyText) {
  auto text = AdfToText(R"({"type":"doc","version":1,"content":[]})");
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, "");
}

}  // namespace
}  // namespace ticketwise::connect
