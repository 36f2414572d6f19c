#include "server/log.h"

#include <gtest/gtest.h>

#include <string>

namespace ticketwise::server {
namespace {

TEST(LogTest, OneLinePrefixedAndWithoutPersonalData) {
  testing::internal::CaptureStderr();
  LogLine("inbox 7 (jira): does not parse: jane.doe@example.com sent card 4111 1111 1111 1111");
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_EQ(out.rfind("ticketwise serve: inbox 7 (jira): does not parse: ", 0), 0u) << out;
  EXPECT_EQ(out.find("jane.doe@example.com"), std::string::npos) << out;
  EXPECT_EQ(out.find("4111 1111 1111 1111"), std::string::npos) << out;
  EXPECT_EQ(out.back(), '\n');
  EXPECT_EQ(out.find('\n'), out.size() - 1);
}

}  // namespace
}  // namespace ticketwise::server
