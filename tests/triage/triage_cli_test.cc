// `ticketwise triage` through the real binary: a configuration, tickets and incidents in, one JSON
// object per ticket out with the priority, its reasons and the route; configuration errors stop it
// before any ticket is read.
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
  const std::string cmd = std::string(TW_CLI) + " triage " + args + " 2>&1";
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
  const std::string path = testing::TempDir() + "/triage_cli_" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::vector<nlohmann::json> JsonLines(const std::string& out) {
  std::vector<nlohmann::json> lines;
  std::size_t start = 0;
  for (std::size_t pos; (pos = out.find('\n', start)) != std::string::npos; start = pos + 1) {
    auto j = nlohmann::json::parse(out.substr(start, pos - start), nullptr, false);
    if (j.is_object()) lines.push_back(std::move(j));
  }
  return lines;
}

constexpr char kConfig[] = R"({
  "triage_queue": "Service Desk",
  "services": [{"name": "vpn", "criticality": "high"}],
  "queues": [{"name": "Service Desk"},
             {"name": "Network", "description": "VPN wifi firewall", "languages": ["en"]},
             {"name": "Workplace", "description": "laptop printer toner", "languages": ["en", "de"]}],
  "burst": {"min_tickets": 3, "window_minutes": 30}
})";

TEST(TriageCliTest, PrioritizesAndRoutesEachTicketWithReasons) {
  const std::string config = WriteFile("config.json", kConfig);
  const std::string incidents = WriteFile(
      "incidents.json",
      R"([{"id": "INC-1", "service": "vpn", "text": "vpn gateway", "start": "2026-12-03T09:00:00Z"}])");
  const std::string data = WriteFile(
      "tickets.jsonl",
      R"({"id": "a", "text": "VPN outage, I cannot work", "service": "vpn", "vip": true, "language": "en"}
{"id": "b", "text": "Printer needs toner", "language": "de"}
{"id": "c", "text": "vpn again", "service": "vpn"}
not json
)");
  const CliRun run = Exec("--config " + config + " --data " + data + " --incidents " + incidents +
                          " --now 2026-12-03T10:00:00Z");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const auto rows = JsonLines(run.out);
  ASSERT_EQ(rows.size(), 3u) << run.out;
  EXPECT_EQ(rows[0]["id"], "a");
  EXPECT_EQ(rows[0]["priority"]["priority"], "P1");
  EXPECT_EQ(rows[0]["priority"]["linked_incidents"][0], "INC-1");
  std::vector<std::string> signals;
  for (const auto& r : rows[0]["priority"]["reasons"]) signals.push_back(r["signal"]);
  EXPECT_EQ(signals, (std::vector<std::string>{"matrix", "vip", "active_incident"}));
  EXPECT_EQ(rows[0]["route"]["queue"], "Network");
  EXPECT_EQ(rows[1]["priority"]["priority"], "P3");
  EXPECT_EQ(rows[1]["route"]["queue"], "Workplace");
  EXPECT_EQ(rows[1]["route"]["ranked"].size(), 2u);
  EXPECT_NE(run.out.find(":4: skipped"), std::string::npos) << run.out;
}

TEST(TriageCliTest, BurstOfSimilarTicketsRaisesAProbableMajorIncident) {
  const std::string config = WriteFile("config.json", kConfig);
  const std::string data =
      WriteFile("burst.jsonl",
                R"({"id": "1", "text": "x", "service": "vpn", "created_at": "2026-12-03T10:00:00Z"}
{"id": "2", "text": "y", "service": "vpn", "created_at": "2026-12-03T10:05:00Z"}
{"id": "3", "text": "z", "service": "vpn", "created_at": "2026-12-03T10:10:00Z"}
)");
  const CliRun run = Exec("--config " + config + " --data " + data);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const auto rows = JsonLines(run.out);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_TRUE(rows[1]["major_incident"].is_null());
  EXPECT_EQ(rows[2]["major_incident"], 1);
  EXPECT_NE(run.out.find("probable major incident 1: 3 tickets on vpn"), std::string::npos);
}

TEST(TriageCliTest, ConfigurationErrorsStopBeforeAnyTicket) {
  const std::string config = WriteFile(
      "bad.json",
      R"({"triage_queue": "Service Desk", "queues": [{"name": "Service Desk", "hours": {"time_zone": "Europe/Atlantis"}}]})");
  const std::string data = WriteFile("one.jsonl", R"({"id": "a", "text": "hello"})"
                                                  "\n");
  const CliRun bad = Exec("--config " + config + " --data " + data);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("unknown time zone 'Europe/Atlantis'"), std::string::npos) << bad.out;
  EXPECT_EQ(bad.out.find("\"priority\""), std::string::npos);
  const std::string incidents = WriteFile(
      "bad_incidents.json", R"([{"id": "I", "service": "mail", "start": "2026-12-03T09:00:00Z"}])");
  const CliRun unknown = Exec("--config " + WriteFile("config.json", kConfig) + " --data " + data +
                              " --incidents " + incidents);
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.out.find("unknown service 'mail'"), std::string::npos) << unknown.out;
  EXPECT_EQ(Exec("--data " + data).exit_code, 2);
}

}  // namespace
