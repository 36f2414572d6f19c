// Fixture shared by the inbox and outbox worker tests: a fresh SQLite store in a temporary file,
// with one tenant, and a way to wait for a worker to finish its queue.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "store/sqlite_store.h"

namespace ticketwise::server {

class WorkerStoreTest : public testing::Test {
 protected:
  // `file_prefix` starts the database's file name, before the process id and the test's name.
  explicit WorkerStoreTest(std::string file_prefix) : file_prefix_(std::move(file_prefix)) {}

  void SetUp() override {
    path_ = testing::TempDir() + "/" + file_prefix_ + std::to_string(getpid()) + "_" +
            testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
    auto store = store::OpenSqliteStore(path_);
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    auto tenant = store_->CreateTenant("acme");
    ASSERT_TRUE(tenant);
    tenant_ = tenant->tenant_id;
  }

  // Checks `done` every 10 ms until it holds (true) or 1000 checks have failed (false).
  static bool WaitUntil(const std::function<bool()>& done) {
    for (int i = 0; i < 1000; ++i) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  std::string path_, tenant_;
  std::unique_ptr<store::Store> store_;

 private:
  std::string file_prefix_;
};

}  // namespace ticketwise::server
