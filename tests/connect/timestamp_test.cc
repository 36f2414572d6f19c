#include "connect/timestamp.h"

#include <gtest/gtest.h>

namespace ticketwise::connect {
namespace {

TEST(TimestampTest, ReadsJiraOffsetsWithAndWithoutColon) {
  // 2019-02-16T03:01:52.971Z
  EXPECT_EQ(ParseTimestampMs("2019-02-15T19:01:52.971-0800"), 1550286112971);
  EXPECT_EQ(ParseTimestampMs("2019-02-15T19:01:52.971-08:00"), 1550286112971);
  EXPECT_EQ(ParseTimestampMs("2019-02-16T03:01:52.971Z"), 1550286112971);
  EXPECT_EQ(ParseTimestampMs("2019-02-16T03:01:52.971+0000"), 1550286112971);
}

TEST(TimestampTest, ReadsServiceNowAndShortForms) {
  EXPECT_EQ(ParseTimestampMs("2015-11-01 22:37:27"), 1446417447000);
  EXPECT_EQ(ParseTimestampMs("2015-11-01T22:37"), 1446417420000);
  EXPECT_EQ(ParseTimestampMs("1970-01-01"), 0);
}

TEST(TimestampTest, ReadsJiraCsvDates) {
  EXPECT_EQ(ParseTimestampMs("15/Feb/19 7:01 PM"), ParseTimestampMs("2019-02-15T19:01:00Z"));
  EXPECT_EQ(ParseTimestampMs("3/Dec/25 12:05 AM"), ParseTimestampMs("2025-12-03T00:05:00Z"));
  EXPECT_EQ(ParseTimestampMs("03/Dec/25 12:05 PM"), ParseTimestampMs("2025-12-03T12:05:00Z"));
}

TEST(TimestampTest, RefusesWhatIsNotADate) {
  for (const char* bad : {"", "yesterday", "2019-02-30T00:00:00Z", "2019-13-01", "2019-02-15T25:00",
                          "2019-02-15T19:01:52.", "2019-02-15T19:01:52+2", "15/Foo/19 7:01 PM",
                          "15/Feb/19 13:01 PM", "2019-02-15T19:01:52Zjunk"}) {
    EXPECT_FALSE(ParseTimestampMs(bad).has_value()) << bad;
  }
}

TEST(TimestampTest, FormatsUtc) {
  EXPECT_EQ(FormatUtc(1550286112971), "2019-02-16T03:01:52Z");
  EXPECT_EQ(FormatUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatUtc(-1), "1969-12-31T23:59:59Z");
}

}  // namespace
}  // namespace ticketwise::connect
