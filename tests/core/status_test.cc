#include "ticketwise/status.h"

#include <gtest/gtest.h>

namespace ticketwise {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Fail(Status::InvalidArgument("odd: " + std::to_string(x)));
  return x / 2;
}

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(StatusTest, ToStringNamesCodeAndMessage) {
  Status s = Status::NotFound("column 'label' not in header");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "not_found: column 'label' not in header");
}

TEST(StatusTest, WithContextPrefixesMessageAndKeepsCode) {
  Status s = Status::Corruption("truncated").WithContext("model.twm");
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message(), "model.twm: truncated");
  EXPECT_TRUE(Status::Ok().WithContext("x").ok());
}

TEST(ResultTest, CarriesValueOrStatus) {
  auto good = Half(8);
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(*good, 4);
  auto bad = Half(3);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message(), "odd: 3");
}

}  // namespace
}  // namespace ticketwise
