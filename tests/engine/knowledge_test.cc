#include "engine/knowledge.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace ticketwise::engine {
namespace {

retrieve::Article VpnArticle() {
  retrieve::Article a;
  a.id = "KB-VPN";
  a.title = "VPN client fails with error 809 after the Windows update";
  a.link = "https://kb.example.com/KB-VPN";
  a.sections = {
      {"Symptoms", "The VPN client shows error 809 and does not connect after the update."},
      {"Cause", "The update resets the NAT traversal registry value."},
      {"Resolution", "Set AssumeUDPEncapsulationContextOnSendRule to 2 and restart."}};
  return a;
}

retrieve::Article PrinterArticle() {
  retrieve::Article a;
  a.id = "KB-PRN";
  a.title = "Printer shows paper jam although the tray is empty";
  a.sections = {{"Symptoms", "The office printer reports a paper jam and stops printing."},
                {"Workaround", "Open the rear door, remove scraps of paper, power cycle it."}};
  return a;
}

Ticket VpnTicket(std::string id = "INC-1") {
  Ticket t;
  t.external_id = std::move(id);
  t.title = "VPN error 809 after Windows update";
  t.description =
      "Since the Windows update the VPN client fails with error 809 and will not connect.";
  return t;
}

Decision Annotated(const Knowledge& k, std::string_view tenant, const Ticket& t) {
  Decision d;
  k.Annotate(tenant, t, &d);
  return d;
}

TEST(KnowledgeTest, ResolutionComesFromANoteOrTheLastCommentOfAClosedTicket) {
  Ticket t = VpnTicket();
  EXPECT_EQ(ResolutionOf(t), "");
  t.comments = {{"u1", "tried a reboot"}, {"a1", "reset the NAT registry value"}};
  EXPECT_EQ(ResolutionOf(t), "") << "an open ticket's last comment is not a resolution";
  t.fields["status"] = "Resolved";
  EXPECT_EQ(ResolutionOf(t), "reset the NAT registry value");
  t.fields.erase("status");
  t.fields["state"] = "closed";
  EXPECT_EQ(ResolutionOf(t), "reset the NAT registry value");
  t.fields["close_notes"] = "Set the registry value and restarted";
  EXPECT_EQ(ResolutionOf(t), "Set the registry value and restarted");
  t.fields["resolution"] = "   ";
  EXPECT_EQ(ResolutionOf(t), "Set the registry value and restarted") << "a blank note is none";
}

TEST(KnowledgeTest, EmptyTenantIsNotSearchedAndAConfidentArticleIsSuggestedWithItsSteps) {
  Knowledge k;
  Decision d = Annotated(k, "acme", VpnTicket());
  EXPECT_EQ(d.match, MatchState::kNotSearched);
  EXPECT_TRUE(d.suggestions.empty());

  ASSERT_TRUE(k.PutArticle("acme", VpnArticle()).ok());
  ASSERT_TRUE(k.PutArticle("acme", PrinterArticle()).ok());
  EXPECT_EQ(k.Size("acme"), 2u);
  d = Annotated(k, "acme", VpnTicket());
  EXPECT_EQ(d.match, MatchState::kMatched);
  EXPECT_DOUBLE_EQ(d.match_threshold, k.options().gate_threshold);
  ASSERT_EQ(d.suggestions.size(), 1u) << "the printer article is not a confident match";
  const Suggestion& s = d.suggestions[0];
  EXPECT_EQ(s.kind, SourceKind::kArticle);
  EXPECT_EQ(s.source_id, "KB-VPN");
  EXPECT_EQ(s.link, "https://kb.example.com/KB-VPN");
  EXPECT_GE(s.score, k.options().gate_threshold);
  EXPECT_NE(s.steps.find("AssumeUDPEncapsulationContextOnSendRule"), std::string::npos) << s.steps;
  EXPECT_NE(s.steps.find("NAT traversal"), std::string::npos) << "the cause follows the fix";
}

TEST(KnowledgeTest, UnrelatedTicketGetsNoConfidentMatchRatherThanAWeakSuggestion) {
  Knowledge k;
  ASSERT_TRUE(k.PutArticle("acme", VpnArticle()).ok());
  ASSERT_TRUE(k.PutArticle("acme", PrinterArticle()).ok());
  Ticket t;
  t.external_id = "INC-9";
  t.title = "Request a new office chair";
  t.description = "My chair is broken, I would like to order a new one for the error desk.";
  Decision d = Annotated(k, "acme", t);
  EXPECT_EQ(d.match, MatchState::kNoConfidentMatch);
  EXPECT_TRUE(d.suggestions.empty());
}

TEST(KnowledgeTest, ResolvedTicketsAreSourcesAndOpenTriagedOnesAreDuplicates) {
  Knowledge k;
  Ticket solved = VpnTicket("INC-OLD");
  solved.fields["resolution"] = "Set AssumeUDPEncapsulationContextOnSendRule to 2 and rebooted";
  solved.fields["link"] = "https://itsm.example.com/INC-OLD";
  ASSERT_TRUE(k.PutTicket("acme", solved, false).ok());
  Ticket open = VpnTicket("INC-OPEN");
  ASSERT_TRUE(k.PutTicket("acme", open, true).ok());
  Ticket imported_open = VpnTicket("INC-IMPORTED");
  ASSERT_TRUE(k.PutTicket("acme", imported_open, false).ok());
  EXPECT_EQ(k.Size("acme"), 2u) << "an open imported ticket is neither source nor candidate";

  Decision d = Annotated(k, "acme", VpnTicket("INC-NEW"));
  ASSERT_EQ(d.suggestions.size(), 1u);
  EXPECT_EQ(d.suggestions[0].kind, SourceKind::kTicket);
  EXPECT_EQ(d.suggestions[0].source_id, "INC-OLD");
  EXPECT_EQ(d.suggestions[0].link, "https://itsm.example.com/INC-OLD");
  EXPECT_NE(d.suggestions[0].steps.find("rebooted"), std::string::npos);
  ASSERT_EQ(d.duplicates.size(), 1u);
  EXPECT_EQ(d.duplicates[0].external_id, "INC-OPEN");
  EXPECT_GE(d.duplicates[0].score, d.duplicate_threshold);

  // The open ticket itself is not its own duplicate, and once resolved it becomes a source.
  d = Annotated(k, "acme", open);
  EXPECT_TRUE(d.duplicates.empty());
  open.fields["status"] = "Done";
  open.comments = {{"agent", "Re-applied the registry fix from INC-OLD"}};
  ASSERT_TRUE(k.PutTicket("acme", open, true).ok());
  d = Annotated(k, "acme", VpnTicket("INC-NEW"));
  EXPECT_TRUE(d.duplicates.empty());
  EXPECT_EQ(d.suggestions.size(), 2u);
}

TEST(KnowledgeTest, TenantsNeverSeeEachOthersKnowledge) {
  Knowledge k;
  ASSERT_TRUE(k.PutArticle("acme", VpnArticle()).ok());
  EXPECT_EQ(Annotated(k, "globex", VpnTicket()).match, MatchState::kNotSearched);
  ASSERT_TRUE(k.PutArticle("globex", PrinterArticle()).ok());
  Decision d = Annotated(k, "globex", VpnTicket());
  EXPECT_TRUE(d.suggestions.empty());
  auto hits = k.Search("globex", "VPN error 809", 10);
  ASSERT_TRUE(hits.has_value());
  for (const KnowledgeHit& h : *hits) EXPECT_NE(h.source.source_id, "KB-VPN");
}

TEST(KnowledgeTest, RemovedAndReplacedArticlesAreNoLongerSuggested) {
  Knowledge k;
  ASSERT_TRUE(k.PutArticle("acme", VpnArticle()).ok());
  retrieve::Article changed = VpnArticle();
  changed.title = "Printer toner replacement";
  changed.sections = {{"Resolution", "Replace the toner cartridge of the office printer."}};
  ASSERT_TRUE(k.PutArticle("acme", changed).ok());
  EXPECT_EQ(k.Size("acme"), 1u);
  EXPECT_TRUE(Annotated(k, "acme", VpnTicket()).suggestions.empty());
  ASSERT_TRUE(k.PutArticle("acme", VpnArticle()).ok());
  EXPECT_EQ(Annotated(k, "acme", VpnTicket()).suggestions.size(), 1u);
  ASSERT_TRUE(k.RemoveArticle("acme", "KB-VPN").ok());
  EXPECT_EQ(k.Size("acme"), 0u);
  EXPECT_EQ(Annotated(k, "acme", VpnTicket()).match, MatchState::kNotSearched);
  EXPECT_EQ(k.RemoveArticle("acme", "KB-VPN").code(), StatusCode::kNotFound);
  EXPECT_EQ(k.RemoveArticle("nobody", "KB-VPN").code(), StatusCode::kNotFound);
}

TEST(KnowledgeTest, SearchRanksByKindMarksTheGateAndChecksK) {
  Knowledge k;
  ASSERT_TRUE(k.PutArticle("acme", VpnArticle()).ok());
  ASSERT_TRUE(k.PutArticle("acme", PrinterArticle()).ok());
  Ticket solved = VpnTicket("INC-OLD");
  solved.fields["resolution"] = "registry fix";
  ASSERT_TRUE(k.PutTicket("acme", solved, false).ok());
  ASSERT_TRUE(k.PutTicket("acme", VpnTicket("INC-OPEN"), true).ok());

  auto all = k.Search("acme", "vpn error 809", 10);
  ASSERT_TRUE(all.has_value());
  ASSERT_GE(all->size(), 2u);
  for (const KnowledgeHit& h : *all) EXPECT_NE(h.source.source_id, "INC-OPEN") << "open tickets";
  for (std::size_t i = 1; i < all->size(); ++i)
    EXPECT_GE((*all)[i - 1].source.score, (*all)[i].source.score);
  auto articles = k.Search("acme", "vpn error 809", 10, SourceKind::kArticle);
  ASSERT_TRUE(articles.has_value());
  ASSERT_FALSE(articles->empty());
  for (const KnowledgeHit& h : *articles) EXPECT_EQ(h.source.kind, SourceKind::kArticle);
  auto tickets = k.Search("acme", "vpn error 809", 10, SourceKind::kTicket);
  ASSERT_TRUE(tickets.has_value());
  ASSERT_EQ(tickets->size(), 1u);
  EXPECT_EQ((*tickets)[0].source.source_id, "INC-OLD");
  for (const KnowledgeHit& h : *all)
    EXPECT_EQ(h.above_gate, h.source.score >= k.options().gate_threshold);
  auto one = k.Search("acme", "vpn error 809", 1);
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->size(), 1u);
  EXPECT_FALSE(k.Search("acme", "vpn", 0).has_value());
  EXPECT_FALSE(k.Search("acme", "vpn", 101).has_value());
  auto none = k.Search("acme", "the and of", 5);
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

TEST(KnowledgeTest, LongThreadsGetASummaryShortOnesDoNot) {
  Knowledge k;
  Ticket t = VpnTicket();
  t.comments = {{"agent", "Did you try to restart the laptop?"}};
  EXPECT_EQ(Annotated(k, "acme", t).summary, "");
  t.description = "<p>Since the <b>Windows update</b> the VPN client fails with error 809.</p>";
  t.comments = {{"agent", "Did you try to restart the laptop?"},
                {"u1", "I restarted it twice and reinstalled the VPN client, no change."},
                {"agent", "Thanks. We are checking the NAT traversal setting now."}};
  const std::string summary = Annotated(k, "acme", t).summary;
  EXPECT_NE(summary.find("809"), std::string::npos) << summary;
  EXPECT_EQ(summary.find("<b>"), std::string::npos) << "markup is stripped: " << summary;
  EXPECT_NE(summary.find("reinstalled"), std::string::npos) << summary;
}

TEST(KnowledgeTest, SearchesAndWritesOfOneTenantRunConcurrently) {
  Knowledge k;
  ASSERT_TRUE(k.PutArticle("acme", VpnArticle()).ok());
  std::vector<std::thread> threads;
  threads.emplace_back([&] {
    for (int i = 0; i < 200; ++i) {
      retrieve::Article a = PrinterArticle();
      a.id = "KB-" + std::to_string(i % 20);
      EXPECT_TRUE(k.PutArticle("acme", a).ok());
      if (i % 3 == 0) {
        EXPECT_TRUE(k.RemoveArticle("acme", a.id).ok());
      }
    }
  });
  threads.emplace_back([&] {
    for (int i = 0; i < 200; ++i) {
      Decision d = Annotated(k, "acme", VpnTicket());
      ASSERT_FALSE(d.suggestions.empty());
      EXPECT_EQ(d.suggestions[0].source_id, "KB-VPN");
    }
  });
  for (std::thread& t : threads) t.join();
}

TEST(KnowledgeTest, OpenTicketsLeaveTheDuplicateCandidatesAfterTheWindow) {
  KnowledgeOptions options;
  options.open_ticket_window = std::chrono::hours(1);
  Knowledge k(options);
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  const std::int64_t hour = 3'600'000;
  ASSERT_TRUE(k.PutTicket("acme", VpnTicket("INC-STALE"), true, now - 2 * hour).ok());
  EXPECT_EQ(k.Size("acme"), 0u) << "seen too long ago to be indexed";
  ASSERT_TRUE(k.PutTicket("acme", VpnTicket("INC-OPEN"), true, now).ok());
  Decision d = Annotated(k, "acme", VpnTicket("INC-NEW"));
  ASSERT_EQ(d.duplicates.size(), 1u);
  EXPECT_EQ(d.duplicates[0].external_id, "INC-OPEN");
  // Seen again later, it stays; once the newest ticket is more than the window later, it goes.
  ASSERT_TRUE(k.PutTicket("acme", VpnTicket("INC-OPEN"), true, now + hour / 2).ok());
  ASSERT_TRUE(k.PutTicket("acme", VpnTicket("INC-LATER"), true, now + hour).ok());
  EXPECT_EQ(k.Size("acme"), 2u);
  Ticket other = VpnTicket("INC-MUCH-LATER");
  other.title = "Printer out of toner";
  other.description = "The printer on floor 3 needs toner.";
  ASSERT_TRUE(k.PutTicket("acme", other, true, now + 3 * hour).ok());
  EXPECT_EQ(k.Size("acme"), 1u);
  EXPECT_TRUE(Annotated(k, "acme", VpnTicket("INC-NEW")).duplicates.empty());
  // Resolved tickets are sources however old they are.
  Ticket solved = VpnTicket("INC-SOLVED");
  solved.fields["resolution"] = "registry fix";
  ASSERT_TRUE(k.PutTicket("acme", solved, false, now - 100 * hour).ok());
  EXPECT_EQ(Annotated(k, "acme", VpnTicket("INC-NEW")).suggestions.size(), 1u);
}

}  // namespace
}  // namespace ticketwise::engine
