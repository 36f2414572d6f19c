#include "ingest/csv_reader.h"

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ticketwise::ingest {
namespace {

using Fields = std::vector<std::string>;

// Reads every record; stops at the first error, which it returns in `error`.
std::vector<CsvRecord> ReadAll(const std::string& input, Status* error = nullptr,
                               CsvOptions options = {}) {
  std::istringstream in(input);
  CsvReader reader(in, options);
  std::vector<CsvRecord> records;
  CsvRecord record;
  for (;;) {
    Result<bool> more = reader.Next(&record);
    if (!more) {
      if (error != nullptr) *error = more.error();
      break;
    }
    if (!*more) break;
    records.push_back(record);
  }
  return records;
}

TEST(CsvReaderTest, SplitsPlainFieldsAndNumbersLines) {
  auto records = ReadAll("a,b,c\n1,2,3\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (Fields{"a", "b", "c"}));
  EXPECT_EQ(records[1].fields, (Fields{"1", "2", "3"}));
  EXPECT_EQ(records[0].line, 1u);
  EXPECT_EQ(records[1].line, 2u);
}

TEST(CsvReaderTest, QuotedFieldsMayHoldDelimitersAndDoubledQuotes) {
  auto records = ReadAll("\"a,b\",\"say \"\"hi\"\"\",\"\"\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields, (Fields{"a,b", "say \"hi\"", ""}));
}

TEST(CsvReaderTest, EmbeddedNewlinesKeepLaterLineNumbersRight) {
  auto records = ReadAll("h1,h2\n\"line one\nline two\r\nline three\",x\nnext,y\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].fields[0], "line one\nline two\r\nline three");
  EXPECT_EQ(records[1].line, 2u);
  EXPECT_EQ(records[2].fields, (Fields{"next", "y"}));
  EXPECT_EQ(records[2].line, 5u);
}

TEST(CsvReaderTest, SkipsByteOrderMarkAtStart) {
  auto records = ReadAll("\xEF\xBB\xBFtext,label\nx,y\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (Fields{"text", "label"}));
}

TEST(CsvReaderTest, KeepsPartialByteOrderMarkAsData) {
  auto records = ReadAll("\xEF\xBBx,y\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields, (Fields{"\xEF\xBBx", "y"}));
}

TEST(CsvReaderTest, AcceptsCrlfLineEnds) {
  auto records = ReadAll("a,b\r\n1,\"2\"\r\n3,4\r\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].fields, (Fields{"1", "2"}));
  EXPECT_EQ(records[2].fields, (Fields{"3", "4"}));
  EXPECT_EQ(records[2].line, 3u);
}

TEST(CsvReaderTest, ReadsFinalLineWithoutNewline) {
  auto records = ReadAll("a,b\n1,2");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].fields, (Fields{"1", "2"}));
  auto quoted = ReadAll("a\n\"last\"");
  ASSERT_EQ(quoted.size(), 2u);
  EXPECT_EQ(quoted[1].fields, (Fields{"last"}));
}

TEST(CsvReaderTest, KeepsEmptyFieldsIncludingTrailingOne) {
  auto records = ReadAll(",,\na,,\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (Fields{"", "", ""}));
  EXPECT_EQ(records[1].fields, (Fields{"a", "", ""}));
}

TEST(CsvReaderTest, SkipsBlankLinesButCountsThem) {
  auto records = ReadAll("a\n\n\r\nb\n\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].fields, (Fields{"b"}));
  EXPECT_EQ(records[1].line, 4u);
}

TEST(CsvReaderTest, EmptyInputHasNoRecords) {
  EXPECT_TRUE(ReadAll("").empty());
  EXPECT_TRUE(ReadAll("\xEF\xBB\xBF").empty());
}

TEST(CsvReaderTest, UnterminatedQuoteIsAnErrorNamingItsLineAndEndsInput) {
  std::istringstream in("a,b\nx,y\n\"open,z\nmore\n");
  CsvReader reader(in);
  CsvRecord record;
  ASSERT_TRUE(reader.Next(&record).value());
  ASSERT_TRUE(reader.Next(&record).value());
  Result<bool> bad = reader.Next(&record);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message(), "line 3: unterminated quoted field");
  EXPECT_TRUE(reader.at_end());
  Result<bool> after = reader.Next(&record);
  ASSERT_TRUE(after.has_value());
  EXPECT_FALSE(*after);
}

TEST(CsvReaderTest, StrayQuoteIsAnErrorAndReaderResyncsAtNextLine) {
  std::istringstream in("a,b\n5\" screen,x\nc,d\n");
  CsvReader reader(in);
  CsvRecord record;
  ASSERT_TRUE(reader.Next(&record).value());
  Result<bool> bad = reader.Next(&record);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message(), "line 2: quote inside unquoted field");
  EXPECT_EQ(record.line, 2u);
  EXPECT_FALSE(reader.at_end());
  ASSERT_TRUE(reader.Next(&record).value());
  EXPECT_EQ(record.fields, (Fields{"c", "d"}));
  EXPECT_EQ(record.line, 3u);
}

TEST(CsvReaderTest, TextAfterClosingQuoteIsAnError) {
  std::istringstream in("\"ab\"c,d\ne,f\n");
  CsvReader reader(in);
  CsvRecord record;
  Result<bool> bad = reader.Next(&record);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message(), "line 1: text after closing quote");
  ASSERT_TRUE(reader.Next(&record).value());
  EXPECT_EQ(record.fields, (Fields{"e", "f"}));
}

TEST(CsvReaderTest, OversizedRecordIsRefusedAndReaderStaysInSync) {
  CsvOptions options;
  options.max_record_bytes = 100;
  std::string big = "\"" + std::string(500, 'x') + "\nstill quoted\"";
  std::istringstream in("a\n" + big + "\nb\n");
  CsvReader reader(in, options);
  CsvRecord record;
  ASSERT_TRUE(reader.Next(&record).value());
  Result<bool> bad = reader.Next(&record);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(bad.error().message(), "line 2: record larger than the limit of 100 bytes");
  EXPECT_TRUE(record.fields.empty());
  ASSERT_TRUE(reader.Next(&record).value());
  EXPECT_EQ(record.fields, (Fields{"b"}));
  EXPECT_EQ(record.line, 4u);
}

TEST(CsvReaderTest, HonoursOtherDelimiters) {
  CsvOptions options;
  options.delimiter = ';';
  auto records = ReadAll("a;\"b;c\";d,e\n", nullptr, options);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields, (Fields{"a", "b;c", "d,e"}));
}

TEST(CsvReaderTest, FieldsSpanningReadChunksAreIntact) {
  // Longer than the reader's internal chunk, so quotes and doubled quotes straddle refills.
  std::string value;
  for (int i = 0; i < 40000; ++i) value += "ab\"\"";
  auto records = ReadAll("\"" + value + "\",z\n");
  ASSERT_EQ(records.size(), 1u);
  std::string expected;
  for (int i = 0; i < 40000; ++i) expected += "ab\"";
  EXPECT_EQ(records[0].fields, (Fields{expected, "z"}));
}

TEST(CsvReaderTest, ReadsFourteenMegabytesQuickly) {
  std::string input = "id,title,body,category\n";
  while (input.size() < 14u << 20) {
    input +=
        "12345,\"Printer on floor 3 jammed\",\"The printer says \"\"paper jam\"\" again,\n"
        "please send someone\",hardware\n";
  }
  std::istringstream in(input);
  CsvReader reader(in);
  CsvRecord record;
  std::size_t count = 0;
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    Result<bool> more = reader.Next(&record);
    ASSERT_TRUE(more.has_value());
    if (!*more) break;
    ++count;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GT(count, 100000u);
  // Measured well under 0.1 s; the floor is far above that so sanitizer builds do not flake.
  EXPECT_LT(seconds, 3.0);
}

}  // namespace
}  // namespace ticketwise::ingest
