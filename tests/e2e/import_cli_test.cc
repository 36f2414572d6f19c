// `ticketwise import jira|servicenow`: platform exports in, JSON lines that `train` reads out.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace {

struct CliRun {
  int exit_code = -1;
  std::string out;
};

CliRun Exec(const std::string& args, bool with_stderr = false) {
  const std::string cmd =
      std::string(TW_CLI) + " " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
  CliRun run;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return run;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) run.out.append(buf.data(), n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

const std::string kFixtures = std::string(TW_SOURCE_DIR) + "/tests/connect/fixtures/import/";

TEST(ImportCliTest, JiraCsvPrintsTicketsAndReportsSkippedRowsByLine) {
  CliRun r = Exec("import jira " + kFixtures + "jira_export.csv", true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("jira_export.csv:6: skipped: 3 fields, the header has 21"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("5 rows read, 2 accepted, 3 skipped"), std::string::npos) << r.out;
  CliRun only_stdout = Exec("import jira " + kFixtures + "jira_export.csv");
  std::istringstream lines(only_stdout.out);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    const auto json = nlohmann::json::parse(line);
    EXPECT_TRUE(json.contains("title") && json.contains("description") &&
                json.contains("comments"));
    ++count;
  }
  EXPECT_EQ(count, 2);
}

TEST(ImportCliTest, ServiceNowExportTrainsAModel) {
  const std::string csv = testing::TempDir() + "/incidents.csv";
  {
    std::ofstream out(csv);
    out << "number,short_description,description,category,assignment_group\n";
    for (int i = 0; i < 40; ++i) {
      out << "INC" << 1000 + i << ",";
      if (i % 2 == 0) {
        out << "VPN disconnects again " << i << ",tunnel drops after idle,network,Network\n";
      } else {
        out << "Printer jammed on floor " << i << ",paper stuck in tray,hardware,Desk\n";
      }
    }
  }
  const std::string jsonl = testing::TempDir() + "/incidents.jsonl";
  CliRun imported = Exec("import servicenow " + csv + " --out " + jsonl, true);
  ASSERT_EQ(imported.exit_code, 0) << imported.out;
  EXPECT_NE(imported.out.find("40 rows read, 40 accepted, 0 skipped"), std::string::npos)
      << imported.out;
  const std::string model = testing::TempDir() + "/incidents.twm";
  CliRun trained =
      Exec("train --data " + jsonl +
               " --text title,description,comments --label queue --quiet --out " + model,
           true);
  EXPECT_EQ(trained.exit_code, 0) << trained.out;
}

TEST(ImportCliTest, WrongCommandLinesExitTwoAndMissingFilesOne) {
  EXPECT_EQ(Exec("import").exit_code, 2);
  EXPECT_EQ(Exec("import zendesk x.csv").exit_code, 2);
  EXPECT_EQ(Exec("import jira").exit_code, 2);
  EXPECT_EQ(Exec("import jira export.xml").exit_code, 2);
  EXPECT_EQ(Exec("import servicenow /nonexistent/export.json").exit_code, 1);
  CliRun not_jira = Exec("import jira " + kFixtures + "servicenow_incidents.csv", true);
  EXPECT_EQ(not_jira.exit_code, 1);
  EXPECT_NE(not_jira.out.find("not a Jira CSV export"), std::string::npos) << not_jira.out;
  EXPECT_EQ(Exec("import jira --help").exit_code, 0);
}

}  // namespace
