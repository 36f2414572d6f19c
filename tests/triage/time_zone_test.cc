// Time zones: POSIX rules, TZif files, and names the loader refuses.
#include <gtest/gtest.h>

#include "test_config.h"
#include "triage/time_zone.h"

namespace ticketwise::triage {
namespace {

using std::chrono::hours;
using testing::At;

TEST(TimeZoneTest, PosixRuleWithDaylightSaving) {
  auto z = TimeZone::FromPosixRule("CET-1CEST,M3.5.0,M10.5.0/3", "Europe/Berlin");
  ASSERT_TRUE(z.has_value()) << z.error().ToString();
  EXPECT_EQ(z->Offset(At(2030, 1, 15, 12)), hours(1));
  EXPECT_EQ(z->Offset(At(2030, 7, 15, 12)), hours(2));
  // 2030-03-31 is the last Sunday of March: DST from 01:00 UTC.
  EXPECT_EQ(z->Offset(At(2030, 3, 31, 0, 59)), hours(1));
  EXPECT_EQ(z->Offset(At(2030, 3, 31, 1, 0)), hours(2));
  // 2030-10-27 is the last Sunday of October: back at 01:00 UTC.
  EXPECT_EQ(z->Offset(At(2030, 10, 27, 0, 59)), hours(2));
  EXPECT_EQ(z->Offset(At(2030, 10, 27, 1, 0)), hours(1));
}

TEST(TimeZoneTest, SouthernHemisphereAndFixedOffsets) {
  auto sydney = TimeZone::FromPosixRule("AEST-10AEDT,M10.1.0,M4.1.0/3", "Australia/Sydney");
  ASSERT_TRUE(sydney.has_value());
  EXPECT_EQ(sydney->Offset(At(2030, 1, 15, 0)), hours(11));
  EXPECT_EQ(sydney->Offset(At(2030, 7, 15, 0)), hours(10));
  auto kolkata = TimeZone::FromPosixRule("<+0530>-5:30", "Asia/Kolkata");
  ASSERT_TRUE(kolkata.has_value());
  EXPECT_EQ(kolkata->Offset(At(2030, 7, 15, 0)), std::chrono::minutes(330));
  auto ny = TimeZone::FromPosixRule("EST5EDT,M3.2.0,M11.1.0", "America/New_York");
  ASSERT_TRUE(ny.has_value());
  EXPECT_EQ(ny->Offset(At(2030, 1, 15, 0)), hours(-5));
  EXPECT_EQ(ny->Offset(At(2030, 7, 15, 0)), hours(-4));
}

TEST(TimeZoneTest, MalformedRulesAndFilesAreRefused) {
  EXPECT_FALSE(TimeZone::FromPosixRule("", "x").has_value());
  EXPECT_FALSE(TimeZone::FromPosixRule("CET-1CEST,M13.5.0,M10.5.0", "x").has_value());
  EXPECT_FALSE(TimeZone::FromTzif("TZif2", "x").has_value());
  EXPECT_FALSE(TimeZone::FromTzif(std::string(100, 'x'), "x").has_value());
}

TEST(TimeZoneTest, LoaderRefusesPathsAndUnknownZones) {
  const TimeZoneLoader loader;
  EXPECT_TRUE(loader.Load("UTC").has_value());
  EXPECT_EQ(loader.Load("../etc/passwd").error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(loader.Load("/etc/passwd").error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(loader.Load("Europe/Atlantis").error().code(), StatusCode::kNotFound);
  const TimeZoneLoader empty("/nonexistent-zoneinfo");
  EXPECT_EQ(empty.Load("Europe/Berlin").error().code(), StatusCode::kNotFound);
  EXPECT_TRUE(empty.Load("Etc/UTC").has_value());
}

TEST(TimeZoneTest, SystemTzifFilesMatchTheirRules) {
  auto berlin = TimeZoneLoader().Load("Europe/Berlin");
  if (!berlin) GTEST_SKIP() << "tzdata is not installed";
  EXPECT_EQ(berlin->Offset(At(2026, 1, 15, 12)), hours(1));
  EXPECT_EQ(berlin->Offset(At(2026, 7, 15, 12)), hours(2));
  EXPECT_EQ(berlin->Offset(At(2060, 7, 15, 12)), hours(2));  // past the listed transitions
  EXPECT_EQ(berlin->Offset(At(1990, 7, 15, 12)), hours(2));
  auto ny = TimeZoneLoader().Load("America/New_York");
  ASSERT_TRUE(ny.has_value());
  EXPECT_EQ(ny->Offset(At(2026, 1, 15, 12)), hours(-5));
  EXPECT_EQ(ny->Offset(At(2026, 7, 15, 12)), hours(-4));
  // A folder is not a zone.
  EXPECT_FALSE(TimeZoneLoader().Load("Europe").has_value());
}

}  // namespace
}  // namespace ticketwise::triage
