// Helpers shared by the store tests: fresh database paths and sample tickets and decisions.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "ticketwise/decision.h"
#include "ticketwise/ticket.h"

namespace ticketwise::store {

// A path under testing::TempDir() unique to the running test, with no database files left from
// an earlier run.
inline std::string FreshDbPath() {
  const testing::TestInfo* info = testing::UnitTest::GetInstance()->current_test_info();
  std::string path =
      testing::TempDir() + "/tw_store_" + info->test_suite_name() + "_" + info->name() + ".db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  return path;
}

inline Ticket SampleTicket(const std::string& external_id,
                           const std::string& title = "VPN drops every 10 minutes") {
  Ticket t;
  t.external_id = external_id;
  t.title = title;
  t.description = "Since Monday the VPN client disconnects.\tTabs and \"quotes\" survive.";
  t.requester = "u123";
  t.service = "vpn";
  t.created_at_ms = 1700000000123;
  t.comments = {{"agent7", "Asked for logs", Visibility::kInternal, 1700000001000},
                {"u123", "Logs attached", Visibility::kPublic, 1700000002000}};
  t.fields = {{"category", "network"}, {"priority", "P3"}};
  return t;
}

inline Decision SampleDecision() {
  Decision d;
  d.input_hash = "abc123";
  d.engine_micros = 420;
  FieldDecision category;
  category.field = "category";
  category.label = "network";
  category.confidence = 0.8123456f;
  category.abstained = false;
  category.top = {{"network", 0.8123456f}, {"access\tmanagement", 0.1f}, {"hard\\ware", 1e-7f}};
  category.mode = Mode::kSuggest;
  category.model_version = "cat-2026-12-01";
  FieldDecision priority;
  priority.field = "priority";
  priority.label = "";
  priority.confidence = 0.31f;
  priority.abstained = true;
  priority.top = {{"P3", 0.31f}, {"P2", 0.3f}};
  priority.mode = Mode::kShadow;
  priority.model_version = "prio-7";
  d.fields = {category, priority};
  return d;
}

}  // namespace ticketwise::store
