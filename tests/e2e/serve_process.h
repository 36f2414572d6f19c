// Helpers for the end-to-end tests of `ticketwise serve`: run the CLI, start the server on a free
// loopback port, read JSON fields. Header-only, test code only.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace ticketwise::e2e {

inline const std::string kDemo = std::string(TW_SOURCE_DIR) + "/data/demo/";

// Runs the CLI to completion and returns its standard output, or "" when it failed.
inline std::string RunCli(const std::string& args) {
  FILE* pipe = popen((std::string(TW_CLI) + " " + args + " 2>/dev/null").c_str(), "r");
  if (!pipe) return "";
  std::string out;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = pclose(pipe);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? out : "";
}

// Runs the CLI to completion; returns its exit code and puts its standard output in `*out`.
inline int RunCliStatus(const std::string& args, std::string* out) {
  FILE* pipe = popen((std::string(TW_CLI) + " " + args + " 2>/dev/null").c_str(), "r");
  if (!pipe) return -1;
  out->clear();
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out->append(buf.data(), n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The value after "key " on its own line of `out`.
inline std::string Field(const std::string& out, const std::string& key) {
  const auto pos = out.find(key + " ");
  if (pos == std::string::npos) return "";
  const auto start = pos + key.size() + 1;
  return out.substr(start, out.find('\n', start) - start);
}

// A running `ticketwise serve --listen 127.0.0.1:0`; the port comes from its first stdout line.
class ServeProcess {
 public:
  // `extra` are more flags for serve; `env` are "NAME=value" settings for its environment.
  ServeProcess(const std::string& db, const std::string& model,
               const std::vector<std::string>& extra = {},
               const std::vector<std::string>& env = {}) {
    std::vector<std::string> args = {TW_CLI, "serve", "--listen", "127.0.0.1:0", "--db", db};
    if (!model.empty()) {
      args.push_back("--model");
      args.push_back(model);
    }
    args.insert(args.end(), extra.begin(), extra.end());
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      // A test that dies takes its server with it.
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
      for (const std::string& e : env) putenv(const_cast<char*>(e.c_str()));
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(TW_CLI, argv.data());
      _exit(127);
    }
    close(fds[1]);
    out_ = fds[0];
    port_ = ReadPort();
  }

  ~ServeProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) close(out_);
  }

  int port() const { return port_; }

  // SIGKILL: no chance to finish anything.
  void Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  // Sends SIGTERM and returns the exit code (-1 when it did not exit normally within 30 s).
  int Terminate() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 3000; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

 private:
  int ReadPort() {
    std::string line;
    while (line.find('\n') == std::string::npos) {
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, 30'000) <= 0) return 0;
      char buf[256];
      const ssize_t n = read(out_, buf, sizeof buf);
      if (n <= 0) return 0;
      line.append(buf, static_cast<std::size_t>(n));
    }
    // "listening on http://127.0.0.1:PORT"
    const auto colon = line.rfind(':', line.find('\n'));
    return colon == std::string::npos ? 0 : std::atoi(line.c_str() + colon + 1);
  }

  pid_t pid_ = -1;
  int out_ = -1;
  int port_ = 0;
};

inline httplib::Headers Bearer(const std::string& key) {
  return {{"Authorization", "Bearer " + key}};
}

// The string value of "name":"..." in a flat JSON text; enough for ids, which have no escapes.
inline std::string JsonString(const std::string& json, const std::string& name) {
  const std::string key = "\"" + name + "\":\"";
  const auto pos = json.find(key);
  if (pos == std::string::npos) return "";
  const auto start = pos + key.size();
  return json.substr(start, json.find('"', start) - start);
}

// Starts a server and waits until /healthz answers; null when it does not come up.
inline std::unique_ptr<ServeProcess> StartServer(const std::string& db, const std::string& model,
                                                 const std::vector<std::string>& extra = {},
                                                 const std::vector<std::string>& env = {}) {
  // A server may close a connection while a client still sends (an oversized body); the client
  // must see an error, not die of SIGPIPE.
  signal(SIGPIPE, SIG_IGN);
  auto server = std::make_unique<ServeProcess>(db, model, extra, env);
  if (server->port() == 0) return nullptr;
  httplib::Client client("127.0.0.1", server->port());
  for (int i = 0; i < 500; ++i) {
    if (auto r = client.Get("/healthz"); r && r->status == 200) return server;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return nullptr;
}

}  // namespace ticketwise::e2e
