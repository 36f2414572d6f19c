// The offline-evaluation contract of `ticketwise similar` (README "Similar tickets and knowledge
// base"), through the real binary: one JSON object per indexed row, in input order, with its k most
// similar other rows, best first.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

struct CliRun {
  int exit_code = -1;
  std::string out;
};

CliRun Exec(const std::string& args) {
  const std::string cmd = std::string(TW_CLI) + " " + args + " 2>/dev/null";
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

std::string WriteFile(const std::string& name, const std::string& content) {
  const std::string path = testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::vector<nlohmann::json> JsonLines(const std::string& out) {
  std::vector<nlohmann::json> lines;
  std::size_t start = 0;
  for (std::size_t pos; (pos = out.find('\n', start)) != std::string::npos; start = pos + 1)
    lines.push_back(nlohmann::json::parse(out.substr(start, pos - start), nullptr, false));
  return lines;
}

const char kTickets[] =
    "key,summary,description\n"
    "A-1,Outlook crashes on start,Outlook crashes every time it starts after the update\n"
    "A-2,VPN drops every hour,The VPN connection drops every hour on the home network\n"
    "A-3,Outlook crashing at startup,Since the update Outlook crashes when starting\n"
    "A-4,Printer out of toner,The printer on floor 3 is out of toner\n"
    ",no id here,this row has no id and is skipped\n"
    "A-5,VPN disconnects hourly,VPN disconnects each hour at home\n";

TEST(SimilarCliTest, PrintsEachRowsMostSimilarOtherRowsBestFirst) {
  const std::string data = WriteFile("similar.csv", kTickets);
  CliRun r = Exec("similar --data " + data + " --id key --text summary,description --k 2");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 5u) << r.out;
  const char* expected_ids[] = {"A-1", "A-2", "A-3", "A-4", "A-5"};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& line = lines[i];
    ASSERT_FALSE(line.is_discarded()) << r.out;
    EXPECT_EQ(line.at("id"), expected_ids[i]);
    const auto& similar = line.at("similar");
    ASSERT_TRUE(similar.is_array());
    EXPECT_LE(similar.size(), 2u);
    double previous = 2;
    for (const auto& hit : similar) {
      EXPECT_NE(hit.at("id"), line.at("id"));  // never itself
      const double score = hit.at("score").get<double>();
      EXPECT_GE(score, 0);
      EXPECT_LE(score, previous);
      previous = score;
    }
  }
  EXPECT_EQ(lines[0]["similar"][0]["id"], "A-3");
  EXPECT_EQ(lines[2]["similar"][0]["id"], "A-1");
  EXPECT_EQ(lines[1]["similar"][0]["id"], "A-5");
  EXPECT_EQ(lines[4]["similar"][0]["id"], "A-2");
}

TEST(SimilarCliTest, ReadsJsonlAndDefaultsToFiveResults) {
  std::string jsonl;
  for (int i = 0; i < 8; ++i)
    jsonl += "{\"id\":\"t" + std::to_string(i) + "\",\"text\":\"printer toner tray " +
             std::to_string(i) + "\"}\n";
  const std::string data = WriteFile("similar.jsonl", jsonl);
  CliRun r = Exec("similar --data " + data + " --id id --text text");
  ASSERT_EQ(r.exit_code, 0);
  const auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 8u);
  for (const auto& line : lines) EXPECT_EQ(line.at("similar").size(), 5u);
}

TEST(SimilarCliTest, CommandLineMistakesExitTwoAndBadFilesExitOne) {
  const std::string data = WriteFile("similar2.csv", kTickets);
  EXPECT_EQ(Exec("similar --data " + data + " --text summary").exit_code, 2);  // no --id
  EXPECT_EQ(Exec("similar --data " + data + " --id key --text summary --k 0").exit_code, 2);
  EXPECT_EQ(Exec("similar --data " + data + " --id nope --text summary").exit_code, 1);
  EXPECT_EQ(Exec("similar --data /nonexistent.csv --id key --text summary").exit_code, 1);
  EXPECT_EQ(Exec("similar --help").exit_code, 0);
}

TEST(SimilarCliTest, SearchPrintsResultsForAQuery) {
  const std::string data = WriteFile("search.csv", kTickets);
  CliRun r = Exec("search --data " + data +
                  " --id key --text summary,description --q 'outlook crashes' --k 3");
  ASSERT_EQ(r.exit_code, 0);
  const auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 1u);
  const auto& results = lines[0].at("results");
  ASSERT_GE(results.size(), 2u);
  EXPECT_TRUE(results[0]["id"] == "A-1" || results[0]["id"] == "A-3");
  CliRun stop = Exec("search --data " + data + " --id key --text summary --q 'the and of'");
  ASSERT_EQ(stop.exit_code, 0);
  EXPECT_EQ(JsonLines(stop.out)[0].at("results").size(), 0u);
}

}  // namespace
