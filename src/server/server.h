// Server: the HTTP front door (REST JSON) around the Engine and the Store.
//
// A Server owns its Store, its Engine and the HTTP listener. Create loads the model and opens the
// database; Bind claims the listening socket; Run serves requests on a pool of worker threads until
// Stop is called. Handlers are thin: authenticate, parse, call the Engine, record through the
// Store, map the Status to an HTTP code (this is the only place where that mapping happens). The
// HTTP library's headers stay in server.cc. Thread-safety: Stop may be called from any thread, for
// example one woken by a signal; everything else is called by the thread that owns the Server.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "ticketwise/status.h"

namespace ticketwise::server {

struct ServerOptions {
  // Address to listen on; loopback by default so that nothing is exposed by accident.
  std::string host = "127.0.0.1";
  // TCP port; 0 lets the kernel pick a free one (Bind returns it).
  int port = 8080;
  // Largest request body accepted; larger ones get 413 before they are parsed.
  std::size_t max_body_bytes = std::size_t{1} << 20;
  // Largest upload to POST /v1/import, which streams to a temporary file rather than memory.
  std::size_t max_import_bytes = std::size_t{256} << 20;
  // A model file that decides for every tenant without an active model of its own; empty: such
  // tenants get 503 until they train one.
  std::string model_path;
  // The SQLite database file, created if missing.
  std::string db_path = "./ticketwise.db";
  // Requests per second each tenant may make on average (0: no limit) and at once.
  double rate_limit = 1000.0;
  double rate_burst = 2000.0;
  // Threads for background model training; 0: one per core.
  std::uint32_t train_threads = 0;
  // HTTP worker threads; 0: the library's default.
  std::size_t http_threads = 0;
  // Write-back: the first pause after a failed request to a platform (it doubles with each
  // attempt), and the time a request may take.
  std::uint32_t outbox_backoff_ms = 1000;
  std::uint32_t outbox_timeout_ms = 20000;
};

class Server {
 public:
  // Opens the store, loads the default model (if any) and every tenant's active models and modes.
  // InvalidArgument for bad options; the model's and the store's errors otherwise.
  static Result<std::unique_ptr<Server>> Create(const ServerOptions& options);

  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listening socket and returns the port (the chosen one when options.port is 0).
  // Unavailable when the address cannot be bound.
  Result<int> Bind();

  // Serves until Stop. REQUIRES: Bind succeeded. In-flight requests finish before it returns.
  Status Run();

  // Makes Run return. Safe from any thread, also before Run starts (Run then returns at once).
  void Stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ticketwise::server
