#include "ticketwise/ticket.h"

#include <gtest/gtest.h>

namespace ticketwise {
namespace {

TEST(TicketTest, ModelTextJoinsNonEmptyPartsInOrder) {
  Ticket t;
  t.title = "VPN drops";
  t.description = "";
  t.comments.push_back({"agent", "Tried reconnecting", Visibility::kInternal, 0});
  EXPECT_EQ(ModelText(t), "VPN drops\n\nTried reconnecting");
}

}  // namespace
}  // namespace ticketwise
