// The `ticketwise redact` contract of README "Redaction", exercised through the real binary:
// plain text in and out, and JSONL with byte-offset spans and an error object per bad line.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace {

struct CliRun {
  int exit_code = -1;
  std::string out;
};

CliRun Redact(const std::string& args, const std::string& input) {
  // One input file per test process: ctest runs the tests of this binary in parallel.
  const std::string path =
      testing::TempDir() + "/redact_input_" + std::to_string(getpid()) + ".txt";
  std::ofstream(path, std::ios::binary) << input;
  const std::string cmd = std::string(TW_CLI) + " redact " + args + " < " + path + " 2>/dev/null";
  CliRun run;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return run;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) run.out.append(buf.data(), n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::remove(path.c_str());
  return run;
}

std::vector<nlohmann::json> JsonLines(const std::string& out) {
  std::vector<nlohmann::json> lines;
  std::size_t start = 0;
  for (std::size_t pos; (pos = out.find('\n', start)) != std::string::npos; start = pos + 1)
    lines.push_back(nlohmann::json::parse(out.substr(start, pos - start), nullptr, false));
  return lines;
}

TEST(RedactCliTest, PlainTextInRedactedTextOut) {
  const CliRun r = Redact("", "Hi Anna,\nwrite to anna@example.com or ANNA@example.com.\n");
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "Hi [PERSON_1],\nwrite to [EMAIL_1] or [EMAIL_1].\n");
}

TEST(RedactCliTest, PlainTextKeepsBinaryBytesAndEmptyInput) {
  EXPECT_EQ(Redact("", "").out, "");
  const std::string junk("\xff\xfe\x00 ok 10.1.2.3", 16);
  const CliRun r = Redact("", junk);
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, std::string("\xff\xfe\x00 ok [IPV4_1]", 16));
}

TEST(RedactCliTest, JsonLinesCarrySpansWithByteOffsetsIntoTheInput) {
  const std::string text = "Grüße: call +49 30 1234567, card 4111 1111 1111 1111";
  nlohmann::json in = {{"id", "T-1"}, {"text", text}};
  const CliRun r = Redact("--json", in.dump() + "\n" + R"({"id":7,"text":"nothing here"})" + "\n");
  ASSERT_EQ(r.exit_code, 0);
  const auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_EQ(lines[0]["id"], "T-1");
  EXPECT_EQ(lines[0]["redacted"], "Grüße: call [PHONE_1], card [CARD_1]");
  ASSERT_EQ(lines[0]["spans"].size(), 2u);
  const auto& phone = lines[0]["spans"][0];
  EXPECT_EQ(phone["type"], "phone");
  const std::size_t start = phone["start"], end = phone["end"];
  EXPECT_EQ(text.substr(start, end - start), "+49 30 1234567");  // bytes, not characters
  EXPECT_EQ(lines[0]["spans"][1]["type"], "card");
  EXPECT_EQ(lines[1]["id"], 7);
  EXPECT_EQ(lines[1]["redacted"], "nothing here");
  EXPECT_TRUE(lines[1]["spans"].empty());
  // Key order is part of the contract.
  EXPECT_EQ(r.out.rfind("{\"id\":\"T-1\",\"redacted\":", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("{\"type\":\"phone\",\"start\":"), std::string::npos);
}

TEST(RedactCliTest, BadLinesGiveAnErrorObjectInPlace) {
  const CliRun r = Redact("--json",
                          "not json\n"
                          "{\"id\":2,\"text\":5}\n"
                          "[1,2]\n"
                          "\n"
                          "{\"id\":3}\n"
                          "{\"id\":4,\"text\":\"bad \xff utf8\"}\n"
                          "{\"id\":5,\"text\":\"ok a@b.de\"}\n");
  ASSERT_EQ(r.exit_code, 0);
  const auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 6u) << r.out;  // the blank line is skipped
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(lines[i].is_object()) << i;
    EXPECT_TRUE(lines[i].contains("error")) << lines[i].dump();
    EXPECT_FALSE(lines[i].contains("redacted"));
  }
  EXPECT_EQ(lines[1]["id"], 2);
  EXPECT_EQ(lines[3]["id"], 3);
  EXPECT_NE(lines[3]["error"].get<std::string>().find("line 5"), std::string::npos);
  EXPECT_EQ(lines[5]["redacted"], "ok [EMAIL_1]");
}

TEST(RedactCliTest, EachJsonLineIsItsOwnTicket) {
  const CliRun r = Redact("--json",
                          "{\"id\":1,\"text\":\"a@x.de b@x.de\"}\n"
                          "{\"id\":2,\"text\":\"b@x.de\"}\n");
  const auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["redacted"], "[EMAIL_1] [EMAIL_2]");
  EXPECT_EQ(lines[1]["redacted"], "[EMAIL_1]");
}

TEST(RedactCliTest, UnknownFlagIsACommandLineError) {
  EXPECT_EQ(Redact("--bogus", "").exit_code, 2);
  EXPECT_EQ(Redact("--help", "").exit_code, 0);
}

}  // namespace
