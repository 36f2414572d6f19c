#include "ticketwise/label_set.h"

#include <gtest/gtest.h>

namespace ticketwise {
namespace {

TEST(LabelSetTest, AddIsIdempotentAndKeepsFirstSeenOrder) {
  LabelSet set;
  EXPECT_EQ(set.Add("Hardware"), 0u);
  EXPECT_EQ(set.Add("Access"), 1u);
  EXPECT_EQ(set.Add("Hardware"), 0u);
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(set.Name(1), "Access");
}

TEST(LabelSetTest, FindUnknownLabelIsEmpty) {
  LabelSet set;
  set.Add("Storage");
  EXPECT_EQ(set.Find("Storage"), 0u);
  EXPECT_FALSE(set.Find("storage").has_value());
}

TEST(LabelSetTest, SortedMapsOldIndicesToNew) {
  LabelSet set;
  set.Add("b");
  set.Add("c");
  set.Add("a");
  std::vector<std::uint32_t> map;
  LabelSet sorted = set.Sorted(&map);
  EXPECT_EQ(sorted.names(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(map, (std::vector<std::uint32_t>{1, 2, 0}));
}

}  // namespace
}  // namespace ticketwise
