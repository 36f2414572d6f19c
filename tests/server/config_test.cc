#include "server/config.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace ticketwise::server {
namespace {

TEST(ConfigTest, FileSetsEverySetting) {
  ServerOptions o;
  const char* text =
      "# settings\n"
      "listen = \"0.0.0.0:9090\"  # all interfaces\n"
      "db = '/var/lib/tw.db'\n"
      "model = \"m.twm\"\n"
      "max_body_bytes = 2_097_152\n"
      "[rate_limit]\n"
      "per_second = 2.5\n"
      "burst = 10\n"
      "[training]\n"
      "threads = 3\n"
      "[outbox]\n"
      "backoff_ms = 250\n"
      "timeout_ms = 5000\n";
  ASSERT_TRUE(ApplyConfigText(text, "tw.toml", &o).ok());
  EXPECT_EQ(o.host, "0.0.0.0");
  EXPECT_EQ(o.port, 9090);
  EXPECT_EQ(o.db_path, "/var/lib/tw.db");
  EXPECT_EQ(o.model_path, "m.twm");
  EXPECT_EQ(o.max_body_bytes, 2097152u);
  EXPECT_DOUBLE_EQ(o.rate_limit, 2.5);
  EXPECT_DOUBLE_EQ(o.rate_burst, 10);
  EXPECT_EQ(o.train_threads, 3u);
  EXPECT_EQ(o.outbox_backoff_ms, 250u);
  EXPECT_EQ(o.outbox_timeout_ms, 5000u);
}

TEST(ConfigTest, ProblemsNameTheFileLineAndKeyAndChangeNothing) {
  const std::map<std::string, std::string> bad = {
      {"rate_limt = 5\n", "unknown setting 'rate_limt'"},
      {"\n\nlisten = \"nohost\"\n", "HOST:PORT"},
      {"db = \"unterminated\n", "line 1: unterminated string"},
      {"db = 1\n", "'db' must be a string"},
      {"db = \"a\"\ndb = \"b\"\n", "line 2: 'db' is set twice"},
      {"[rate_limit]\nper_second = -1\n", "must not be negative"},
      {"max_body_bytes = 0\n", "must be positive"},
      {"[rate_limit\n", "unterminated table header"},
      {"just words\n", "expected key = value"},
      {"db = \"caf\xc3\xa9\" extra\n", "text after the value"}};
  for (const auto& [text, want] : bad) {
    ServerOptions o;
    const Status s = ApplyConfigText(text, "tw.toml", &o);
    ASSERT_FALSE(s.ok()) << text;
    EXPECT_NE(s.ToString().find(want), std::string::npos) << s.ToString();
    EXPECT_NE(s.ToString().find("tw.toml"), std::string::npos) << s.ToString();
    EXPECT_EQ(o.db_path, ServerOptions().db_path);
  }
}

TEST(ConfigTest, EnvironmentOverridesTheDefaults) {
  const std::map<std::string, std::string> env = {{"TICKETWISE_LISTEN", "127.0.0.1:0"},
                                                  {"TICKETWISE_RATE_LIMIT", "0"},
                                                  {"TICKETWISE_DB", "env.db"},
                                                  {"TICKETWISE_OUTBOX_BACKOFF_MS", "20"}};
  auto lookup = [&env](const char* name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  ServerOptions o;
  ASSERT_TRUE(LoadConfig("", lookup, &o).ok());
  EXPECT_EQ(o.port, 0);
  EXPECT_EQ(o.rate_limit, 0.0);
  EXPECT_EQ(o.db_path, "env.db");
  EXPECT_EQ(o.outbox_backoff_ms, 20u);
  auto broken = [](const char* name) -> std::optional<std::string> {
    if (std::string(name) == "TICKETWISE_RATE_BURST") return "lots";
    return std::nullopt;
  };
  const Status s = LoadConfig("", broken, &o);
  EXPECT_NE(s.ToString().find("TICKETWISE_RATE_BURST"), std::string::npos) << s.ToString();
  EXPECT_EQ(LoadConfig("/nonexistent/tw.toml", lookup, &o).code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace ticketwise::server
