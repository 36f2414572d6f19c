#include "ingest/jsonl_reader.h"

#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace ticketwise::ingest {
namespace {

TEST(JsonlReaderTest, ReadsStringsNumbersBooleansAndNulls) {
  std::istringstream in(R"({"s":"héllo","i":42,"f":1.5,"b":true,"n":null,"a":[1],"o":{}})"
                        "\n");
  JsonlReader reader(in);
  JsonlRecord record;
  ASSERT_TRUE(reader.Next(&record).value());
  EXPECT_EQ(record.line, 1u);
  EXPECT_EQ(record.members.at("s").kind, JsonKind::kString);
  EXPECT_EQ(record.members.at("s").text, "héllo");
  EXPECT_EQ(record.members.at("i").text, "42");
  EXPECT_EQ(record.members.at("f").text, "1.5");
  EXPECT_EQ(record.members.at("b").text, "true");
  EXPECT_EQ(record.members.at("n").kind, JsonKind::kNull);
  EXPECT_EQ(record.members.at("a").kind, JsonKind::kArray);
  EXPECT_EQ(record.members.at("o").kind, JsonKind::kObject);
  EXPECT_FALSE(reader.Next(&record).value());
}

TEST(JsonlReaderTest, IgnoresBlankLinesAndToleratesCrlf) {
  std::istringstream in("\xEF\xBB\xBF{\"a\":\"1\"}\r\n\r\n   \n{\"a\":\"2\"}");
  JsonlReader reader(in);
  JsonlRecord record;
  ASSERT_TRUE(reader.Next(&record).value());
  EXPECT_EQ(record.members.at("a").text, "1");
  ASSERT_TRUE(reader.Next(&record).value());
  EXPECT_EQ(record.members.at("a").text, "2");
  EXPECT_EQ(record.line, 4u);
  EXPECT_FALSE(reader.Next(&record).value());
}

TEST(JsonlReaderTest, MalformedLineIsAnErrorNamingLineAndByteThenReadingContinues) {
  std::istringstream in("{\"a\":1}\n{\"a\":x}\n{\"a\":3}\n");
  JsonlReader reader(in);
  JsonlRecord record;
  ASSERT_TRUE(reader.Next(&record).value());
  Result<bool> bad = reader.Next(&record);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(record.line, 2u);
  EXPECT_TRUE(bad.error().message().starts_with("line 2: invalid JSON at byte 6: "))
      << bad.error().message();
  EXPECT_EQ(bad.error().message().find("last read"), std::string::npos);
  ASSERT_TRUE(reader.Next(&record).value());
  EXPECT_EQ(record.members.at("a").text, "3");
}

TEST(JsonlReaderTest, LineThatIsNotAnObjectIsAnError) {
  std::istringstream in("[1,2]\n\"text\"\n");
  JsonlReader reader(in);
  JsonlRecord record;
  Result<bool> array = reader.Next(&record);
  ASSERT_FALSE(array.has_value());
  EXPECT_EQ(array.error().message(), "line 1: expected a JSON object, found array");
  Result<bool> string = reader.Next(&record);
  ASSERT_FALSE(string.has_value());
  EXPECT_EQ(string.error().message(), "line 2: expected a JSON object, found string");
}

TEST(JsonlReaderTest, InvalidUtf8InsideStringIsAnError) {
  std::istringstream in("{\"a\":\"\xFF\"}\n");
  JsonlReader reader(in);
  JsonlRecord record;
  Result<bool> bad = reader.Next(&record);
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("UTF-8"), std::string::npos) << bad.error().message();
}

TEST(JsonlReaderTest, OverlongLineIsRefusedAndNextLineStillRead) {
  JsonlOptions options;
  options.max_line_bytes = 16;
  std::istringstream in("{\"a\":\"" + std::string(100, 'x') + "\"}\n{\"b\":1}\n");
  JsonlReader reader(in, options);
  JsonlRecord record;
  Result<bool> bad = reader.Next(&record);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(bad.error().message(), "line 1: line longer than the limit of 16 bytes");
  ASSERT_TRUE(reader.Next(&record).value());
  EXPECT_EQ(record.members.at("b").text, "1");
  EXPECT_EQ(record.line, 2u);
}

}  // namespace
}  // namespace ticketwise::ingest
