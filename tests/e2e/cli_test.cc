// The command-line contract of README "Command line", exercised through the real binary.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>

namespace {

struct CliRun {
  int exit_code = -1;
  std::string out;  // standard output; standard error is appended after a marker when asked
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

std::string LastLine(const std::string& s) {
  std::string t = s;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  const auto pos = t.rfind('\n');
  return pos == std::string::npos ? t : t.substr(pos + 1);
}

std::string WriteFile(const std::string& name, const std::string& content) {
  const std::string path = testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

const std::string kDemo = std::string(TW_SOURCE_DIR) + "/data/demo/";

TEST(CliTest, EvalJsonLastLineHasTheContractFields) {
  CliRun r = Exec("eval --train " + kDemo + "train.csv --test " + kDemo +
                  "test.csv --text text --label category --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::string json = LastLine(r.out);
  for (const char* field :
       {"\"accuracy\":", "\"macro_f1\":", "\"coverage_at_90\":", "\"coverage_at_95\":",
        "\"train_seconds\":", "\"predict_per_second\":", "\"model_bytes\":", "\"n_train\":3003",
        "\"n_test\":997", "\"labels\":[\"Access\","})
    EXPECT_NE(json.find(field), std::string::npos) << field << " in " << json;
  EXPECT_EQ(json.front(), '{');
  EXPECT_EQ(json.back(), '}');
}

TEST(CliTest, TrainThenPredictPrintsOneObjectPerRowAndKeepsBadRowsInPlace) {
  const std::string model = testing::TempDir() + "/cli.twm";
  CliRun t = Exec("train --data " + kDemo + "train.csv --text text --label category --out " +
                  model + " --quiet");
  ASSERT_EQ(t.exit_code, 0);
  const std::string input =
      WriteFile("predict.jsonl",
                "{\"title\":\"printer toner empty\",\"body\":\"please replace\"}\n"
                "{\"title\":\"broken \xff utf8\"}\n"
                "{\"title\":\"reset my password\"}\n");
  CliRun p = Exec("predict --model " + model + " --data " + input + " --text title,body --top 2");
  ASSERT_EQ(p.exit_code, 0);
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t pos; (pos = p.out.find('\n', start)) != std::string::npos; start = pos + 1)
    lines.push_back(p.out.substr(start, pos - start));
  ASSERT_EQ(lines.size(), 3u) << p.out;
  EXPECT_EQ(lines[0].rfind("{\"label\":\"", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find("\"abstained\":"), std::string::npos);
  EXPECT_NE(lines[0].find("\"top\":[{\"label\":"), std::string::npos);
  EXPECT_EQ(lines[1].rfind("{\"label\":null", 0), 0u) << lines[1];
  EXPECT_NE(lines[1].find("UTF-8"), std::string::npos) << lines[1];
  EXPECT_EQ(lines[2].rfind("{\"label\":\"", 0), 0u) << lines[2];
}

TEST(CliTest, MissingColumnIsAClearErrorNamingFileAndColumn) {
  CliRun r = Exec(
      "train --data " + kDemo + "train.csv --text body --label category --out /dev/null", true);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("train.csv"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("'body'"), std::string::npos) << r.out;
}

TEST(CliTest, WrongCommandLinesExitWithTwo) {
  EXPECT_EQ(Exec("train --data x.csv").exit_code, 2);  // missing required options
  EXPECT_EQ(Exec("predict --model m --data d.csv --text t --bogus 1").exit_code, 2);
  EXPECT_EQ(Exec("frobnicate").exit_code, 2);
  const std::string predict = "predict --model m.twm --data " + kDemo + "test.csv --text text";
  EXPECT_EQ(Exec(predict + " --precision nan").exit_code, 2);
  EXPECT_EQ(Exec(predict + " --precision 1.5").exit_code, 2);
  EXPECT_EQ(Exec("train --data " + kDemo +
                 "train.csv --text text --label category --out x.twm"
                 " --hash-bits 9")
                .exit_code,
            2);
  EXPECT_EQ(Exec("eval --train a.csv --test b.csv --text t --label l --precision high").exit_code,
            2);
}

TEST(CliTest, EveryCommandHasHelp) {
  for (const char* cmd : {"train", "predict", "eval"}) {
    CliRun r = Exec(std::string(cmd) + " --help");
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_NE(r.out.find("usage: ticketwise"), std::string::npos) << cmd;
  }
}

TEST(CliTest, ModelOfAnotherVersionIsRefused) {
  const std::string model = testing::TempDir() + "/version.twm";
  ASSERT_EQ(Exec("train --data " + kDemo + "train.csv --text text --label category --out " + model)
                .exit_code,
            0);
  std::fstream f(model, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(8);
  f.put(7);
  f.close();
  CliRun r = Exec("predict --model " + model + " --data " + kDemo + "test.csv --text text", true);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("version 7 is not supported"), std::string::npos) << r.out;
}

}  // namespace
