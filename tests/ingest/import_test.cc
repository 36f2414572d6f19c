#include "ingest/import.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace ticketwise::ingest {
namespace {

ImportOptions Options(std::vector<std::string> text, std::string label = "") {
  ImportOptions options;
  options.text_columns = std::move(text);
  options.label_column = std::move(label);
  options.strip_markup = false;
  return options;
}

Result<Dataset> ImportCsvText(const std::string& input, const ImportOptions& options) {
  std::istringstream in(input);
  return ImportStream(in, FileFormat::kCsv, "tickets.csv", options);
}

Result<Dataset> ImportJsonlText(const std::string& input, const ImportOptions& options) {
  std::istringstream in(input);
  return ImportStream(in, FileFormat::kJsonl, "tickets.jsonl", options);
}

void ExpectCountsAddUp(const ImportReport& report) {
  EXPECT_EQ(report.rows_seen, report.rows_accepted + report.rows_skipped);
}

TEST(ImportTest, CsvRowsBecomeLabelledTextsWithTheirLines) {
  auto data = ImportCsvText("id,text,label\n1,printer jammed,hardware\n2,\"vpn\ndown\",network\n",
                            Options({"text"}, "label"));
  ASSERT_TRUE(data.has_value()) << data.error().ToString();
  ASSERT_EQ(data->rows.size(), 2u);
  EXPECT_EQ(data->rows[0].text, "printer jammed");
  EXPECT_EQ(data->rows[0].label, "hardware");
  EXPECT_EQ(data->rows[0].line, 2u);
  EXPECT_EQ(data->rows[1].text, "vpn\ndown");
  EXPECT_EQ(data->rows[1].line, 3u);
  EXPECT_EQ(data->report.file, "tickets.csv");
  EXPECT_EQ(data->report.rows_seen, 2u);
  EXPECT_EQ(data->report.rows_accepted, 2u);
}

TEST(ImportTest, JoinsTextColumnsInRequestedOrderSkippingEmptyOnes) {
  auto data = ImportCsvText("title,body,extra\nTitle,Body,\n,only body,x\n",
                            Options({"title", "extra", "body"}));
  ASSERT_TRUE(data.has_value()) << data.error().ToString();
  ASSERT_EQ(data->rows.size(), 2u);
  EXPECT_EQ(data->rows[0].text, "Title\nBody");
  EXPECT_EQ(data->rows[1].text, "x\nonly body");
  EXPECT_EQ(data->rows[0].label, "");
}

TEST(ImportTest, TrimsLabelAndText) {
  auto data = ImportCsvText("text,label\n  hello \t, network \n", Options({"text"}, "label"));
  ASSERT_TRUE(data.has_value());
  ASSERT_EQ(data->rows.size(), 1u);
  EXPECT_EQ(data->rows[0].text, "hello");
  EXPECT_EQ(data->rows[0].label, "network");
}

TEST(ImportTest, RowWithWrongFieldCountIsSkippedAndCounted) {
  auto data = ImportCsvText("a,text,label\n1,ok,x\n2,short\n3,ok,y\n", Options({"text"}, "label"));
  ASSERT_TRUE(data.has_value());
  EXPECT_EQ(data->rows.size(), 2u);
  EXPECT_EQ(data->report.rows_seen, 3u);
  EXPECT_EQ(data->report.rows_skipped, 1u);
  ASSERT_EQ(data->report.skipped.size(), 1u);
  EXPECT_EQ(data->report.skipped[0].line, 3u);
  EXPECT_EQ(data->report.skipped[0].reason, "expected 3 fields, found 2");
  ExpectCountsAddUp(data->report);
}

TEST(ImportTest, MissingColumnIsNotFoundNamingFileColumnAndAvailableColumns) {
  auto data = ImportCsvText("id,body,category\n1,x,y\n", Options({"text"}, "category"));
  ASSERT_FALSE(data.has_value());
  EXPECT_EQ(data.error().code(), StatusCode::kNotFound);
  EXPECT_EQ(data.error().message(),
            "tickets.csv: column 'text' not found in the header; available columns: id, body, "
            "category");
  auto label = ImportCsvText("id,body\n1,x\n", Options({"body"}, "category"));
  ASSERT_FALSE(label.has_value());
  EXPECT_NE(label.error().message().find("column 'category' not found"), std::string::npos);
}

TEST(ImportTest, InvalidUtf8IsSkippedNamingColumnAndOffset) {
  auto data = ImportCsvText(
      "text,label\nab\xFF"
      "cd,x\nfine,\xC3\n",
      Options({"text"}, "label"));
  ASSERT_TRUE(data.has_value());
  EXPECT_TRUE(data->rows.empty());
  ASSERT_EQ(data->report.skipped.size(), 2u);
  EXPECT_EQ(data->report.skipped[0].reason, "invalid UTF-8 in column 'text' at byte 2");
  EXPECT_EQ(data->report.skipped[1].reason, "invalid UTF-8 in column 'label' at byte 0");
  ExpectCountsAddUp(data->report);
}

TEST(ImportTest, EmptyTextAndEmptyLabelAreSkippedWithReasons) {
  auto data = ImportCsvText("text,label\n   ,x\nsomething,  \n", Options({"text"}, "label"));
  ASSERT_TRUE(data.has_value());
  ASSERT_EQ(data->report.skipped.size(), 2u);
  EXPECT_EQ(data->report.skipped[0].reason, "empty text");
  EXPECT_EQ(data->report.skipped[1].reason, "empty label in column 'label'");
}

TEST(ImportTest, MalformedCsvRecordIsSkippedAndLaterLinesStayRight) {
  auto data = ImportCsvText("text,label\nsays \"hi\",x\n\"multi\nline\",y\nok,z\n",
                            Options({"text"}, "label"));
  ASSERT_TRUE(data.has_value());
  ASSERT_EQ(data->rows.size(), 2u);
  EXPECT_EQ(data->rows[1].line, 5u);
  ASSERT_EQ(data->report.skipped.size(), 1u);
  EXPECT_EQ(data->report.skipped[0].line, 2u);
  EXPECT_EQ(data->report.skipped[0].reason, "quote inside unquoted field");
  ExpectCountsAddUp(data->report);
}

TEST(ImportTest, UnterminatedQuoteIsAFileErrorWithLine) {
  auto data =
      ImportCsvText("text,label\nok,x\n\"never closed,y\nmore\n", Options({"text"}, "label"));
  ASSERT_FALSE(data.has_value());
  EXPECT_EQ(data.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(data.error().message(), "tickets.csv:3: unterminated quoted field");
}

TEST(ImportTest, ReportListsOnlyTheFirstSkipsButCountsAll) {
  std::string input = "text,label\n";
  for (int i = 0; i < 10; ++i) input += "x,\n";
  ImportOptions options = Options({"text"}, "label");
  options.max_reported_skips = 3;
  auto data = ImportCsvText(input, options);
  ASSERT_TRUE(data.has_value());
  EXPECT_EQ(data->report.rows_skipped, 10u);
  EXPECT_EQ(data->report.skipped.size(), 3u);
  EXPECT_EQ(data->report.Summary(),
            "tickets.csv:2: skipped: empty label in column 'label'\n"
            "tickets.csv:3: skipped: empty label in column 'label'\n"
            "tickets.csv:4: skipped: empty label in column 'label'\n"
            "tickets.csv: 10 rows read, 0 accepted, 10 skipped (7 not listed)\n");
}

TEST(ImportTest, SummaryOfCleanImportIsOneTotalLine) {
  auto data = ImportCsvText("text\nhello\n", Options({"text"}));
  ASSERT_TRUE(data.has_value());
  EXPECT_EQ(data->report.Summary(), "tickets.csv: 1 row read, 1 accepted, 0 skipped\n");
}

TEST(ImportTest, StripsMarkupWhenAsked) {
  ImportOptions options = Options({"text"});
  options.strip_markup = true;
  auto data = ImportCsvText("text\n\"<p>Hello <b>there</b></p>\"\n", options);
  ASSERT_TRUE(data.has_value());
  ASSERT_EQ(data->rows.size(), 1u);
  EXPECT_EQ(data->rows[0].text.find('<'), std::string::npos) << data->rows[0].text;
  EXPECT_NE(data->rows[0].text.find("Hello"), std::string::npos);
}

TEST(ImportTest, EmptyCsvIsMissingColumn) {
  auto data = ImportCsvText("", Options({"text"}));
  ASSERT_FALSE(data.has_value());
  EXPECT_EQ(data.error().code(), StatusCode::kNotFound);
  EXPECT_NE(data.error().message().find("the file is empty"), std::string::npos);
}

TEST(ImportTest, JsonlConvertsNumbersAndBooleansAndSkipsNullLabels) {
  auto data = ImportJsonlText(
      "{\"text\":\"disk full\",\"label\":3}\n"
      "{\"text\":true,\"label\":\"x\"}\n"
      "{\"text\":\"no label\",\"label\":null}\n"
      "{\"text\":\"absent label\"}\n",
      Options({"text"}, "label"));
  ASSERT_TRUE(data.has_value()) << data.error().ToString();
  ASSERT_EQ(data->rows.size(), 2u);
  EXPECT_EQ(data->rows[0].label, "3");
  EXPECT_EQ(data->rows[1].text, "true");
  ASSERT_EQ(data->report.skipped.size(), 2u);
  EXPECT_EQ(data->report.skipped[0].line, 3u);
  EXPECT_EQ(data->report.skipped[0].reason, "empty label in column 'label'");
  EXPECT_EQ(data->report.skipped[1].reason, "empty label in column 'label'");
  ExpectCountsAddUp(data->report);
}

TEST(ImportTest, JsonlRowMissingOneTextColumnReadsItAsEmptyButArrayIsSkipped) {
  auto data = ImportJsonlText(
      "{\"text\":\"ok\",\"body\":\"b\"}\n{\"text\":\"ok\"}\n{\"text\":\"ok\",\"body\":[\"b\"]}\n"
      "{\"body\":null}\n",
      Options({"text", "body"}));
  ASSERT_TRUE(data.has_value()) << data.error().ToString();
  ASSERT_EQ(data->rows.size(), 2u);
  EXPECT_EQ(data->rows[0].text, "ok\nb");
  EXPECT_EQ(data->rows[1].text, "ok");
  ASSERT_EQ(data->report.skipped.size(), 2u);
  EXPECT_EQ(data->report.skipped[0].reason, "column 'body' holds an array, not text");
  EXPECT_EQ(data->report.skipped[1].reason, "empty text");
}

TEST(ImportTest, MalformedJsonLineIsSkippedWithLineNumber) {
  auto data = ImportJsonlText("{\"text\":\"a\"}\n\n{\"text\": oops}\n{\"text\":\"b\"}\n",
                              Options({"text"}));
  ASSERT_TRUE(data.has_value());
  EXPECT_EQ(data->rows.size(), 2u);
  EXPECT_EQ(data->rows[1].line, 4u);
  ASSERT_EQ(data->report.skipped.size(), 1u);
  EXPECT_EQ(data->report.skipped[0].line, 3u);
  EXPECT_TRUE(data->report.skipped[0].reason.starts_with("invalid JSON at byte "))
      << data->report.skipped[0].reason;
  ExpectCountsAddUp(data->report);
}

TEST(ImportTest, JsonlColumnAbsentFromEveryRowIsNotFound) {
  auto data = ImportJsonlText("{\"body\":\"a\",\"category\":\"x\"}\n", Options({"text"}));
  ASSERT_FALSE(data.has_value());
  EXPECT_EQ(data.error().code(), StatusCode::kNotFound);
  EXPECT_EQ(data.error().message(),
            "tickets.jsonl: column 'text' not found in any row; available columns: body, category");
}

TEST(ImportTest, JsonlColumnNotFoundMentionsUnreadableLines) {
  auto data = ImportJsonlText("{\"text\": oops}\n[1]\n", Options({"text"}));
  ASSERT_FALSE(data.has_value());
  EXPECT_EQ(data.error().code(), StatusCode::kNotFound);
  EXPECT_NE(data.error().message().find("(2 lines could not be read; line 1: invalid JSON at byte"),
            std::string::npos)
      << data.error().message();
}

TEST(ImportTest, FormatFollowsExtensionCaseInsensitively) {
  EXPECT_EQ(FormatFromPath("data/Tickets.CSV").value(), FileFormat::kCsv);
  EXPECT_EQ(FormatFromPath("a.jsonl").value(), FileFormat::kJsonl);
  EXPECT_EQ(FormatFromPath("a.ndjson").value(), FileFormat::kJsonl);
  EXPECT_EQ(FormatFromPath("a.Json").value(), FileFormat::kJsonl);
}

TEST(ImportTest, UnknownExtensionIsAnErrorNamingFile) {
  auto format = FormatFromPath("exports/tickets.xlsx");
  ASSERT_FALSE(format.has_value());
  EXPECT_EQ(format.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(format.error().message(),
            "exports/tickets.xlsx: unknown file extension '.xlsx'; expected .csv, .jsonl, .ndjson "
            "or .json");
  EXPECT_FALSE(FormatFromPath("csv.d/README").has_value());
  EXPECT_FALSE(ImportFile("tickets.xlsx", Options({"text"})).has_value());
}

TEST(ImportTest, MissingFileIsNotFoundNamingPath) {
  const std::string path = testing::TempDir() + "/ingest_no_such_file.csv";
  auto data = ImportFile(path, Options({"text"}));
  ASSERT_FALSE(data.has_value());
  EXPECT_EQ(data.error().code(), StatusCode::kNotFound);
  EXPECT_EQ(data.error().message(), path + ": no such file");
}

TEST(ImportTest, DirectoryIsAnIoError) {
  const std::string path = testing::TempDir() + "/ingest_dir.csv";
  std::filesystem::create_directories(path);
  auto data = ImportFile(path, Options({"text"}));
  ASSERT_FALSE(data.has_value());
  EXPECT_EQ(data.error().code(), StatusCode::kIoError);
}

TEST(ImportTest, ImportsFileFromDisk) {
  const std::string path = testing::TempDir() + "/ingest_import_test.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << "\xEF\xBB\xBFtext,label\r\nreset my password,account\r\n";
  }
  auto data = ImportFile(path, Options({"text"}, "label"));
  ASSERT_TRUE(data.has_value()) << data.error().ToString();
  ASSERT_EQ(data->rows.size(), 1u);
  EXPECT_EQ(data->rows[0].label, "account");
  EXPECT_EQ(data->report.file, path);
  std::filesystem::remove(path);
}

TEST(ImportTest, ParseColumnListTrimsAndRejectsEmptyNames) {
  EXPECT_EQ(ParseColumnList(" title , body,x").value(),
            (std::vector<std::string>{"title", "body", "x"}));
  EXPECT_FALSE(ParseColumnList("a,,b").has_value());
  EXPECT_FALSE(ParseColumnList("a,").has_value());
  EXPECT_FALSE(ParseColumnList("").has_value());
}

TEST(ImportTest, NoTextColumnIsInvalidArgument) {
  auto data = ImportCsvText("text\nx\n", Options({}));
  ASSERT_FALSE(data.has_value());
  EXPECT_EQ(data.error().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ticketwise::ingest
