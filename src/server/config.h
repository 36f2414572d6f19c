// Config: where `ticketwise serve` gets its ServerOptions. Layers, each overriding the one before:
// built-in defaults, a TOML file (--config), environment variables (TICKETWISE_*), command-line
// flags (applied by the caller). The file may use the part of TOML that settings need: [tables],
// key = value, strings, integers, floats, booleans and comments (docs/decisions/0014). Every value
// is validated once, here, with an error that names the file and key or the variable. Secrets never
// appear in messages. Pure functions; thread-safe.
//
//   listen = "127.0.0.1:8080"        # TICKETWISE_LISTEN
//   db = "./ticketwise.db"           # TICKETWISE_DB
//   model = "model.twm"              # TICKETWISE_MODEL
//   max_body_bytes = 1048576         # TICKETWISE_MAX_BODY_BYTES
//   max_import_bytes = 268435456     # TICKETWISE_MAX_IMPORT_BYTES
//   http_threads = 0                 # TICKETWISE_HTTP_THREADS
//   [rate_limit]
//   per_second = 1000                # TICKETWISE_RATE_LIMIT (0: off)
//   burst = 2000                     # TICKETWISE_RATE_BURST
//   [training]
//   threads = 0                      # TICKETWISE_TRAIN_THREADS
//   [outbox]
//   backoff_ms = 1000                # TICKETWISE_OUTBOX_BACKOFF_MS
//   timeout_ms = 20000               # TICKETWISE_OUTBOX_TIMEOUT_MS
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "server/server.h"
#include "ticketwise/status.h"

namespace ticketwise::server {

// Returns the value of an environment variable, or nullopt when it is not set.
using EnvFn = std::function<std::optional<std::string>(const char* name)>;

// The process environment.
std::optional<std::string> ProcessEnv(const char* name);

// Applies the TOML document `text` (named `name` in messages) to `*options`. Unknown keys are
// errors, so a misspelt setting is not silently ignored.
Status ApplyConfigText(std::string_view text, std::string_view name, ServerOptions* options);

// Applies the file at `path` (when not empty), then the environment.
Status LoadConfig(const std::string& path, const EnvFn& env, ServerOptions* options);

// "HOST:PORT" -> options->host, options->port. Port 0 asks the kernel for a free port.
Status ApplyListen(std::string_view listen, ServerOptions* options);

}  // namespace ticketwise::server
