#include "server/config.h"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#define TOML_EXCEPTIONS 0
#define TOML_HEADER_ONLY 1
#include <toml++/toml.h>

namespace ticketwise::server {
namespace {

template <class T>
Status ParseNumber(std::string_view text, std::string_view what, T* out) {
  T value{};
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty())
    return Status::InvalidArgument(std::string(what) + " must be a number, got '" +
                                   std::string(text) + "'");
  *out = value;
  return Status::Ok();
}

Status CheckRates(const ServerOptions& o) {
  if (!(o.rate_limit >= 0.0)) return Status::InvalidArgument("rate_limit must not be negative");
  if (!(o.rate_burst >= 1.0)) return Status::InvalidArgument("rate_limit burst must be >= 1");
  if (o.max_body_bytes == 0 || o.max_import_bytes == 0)
    return Status::InvalidArgument("body limits must be positive");
  return Status::Ok();
}

// Reads a non-negative integer node into `*out`.
template <class T>
Status Integer(const toml::node& node, const std::string& key, T* out) {
  const std::optional<std::int64_t> v = node.value<std::int64_t>();
  if (!v || *v < 0) return Status::InvalidArgument("'" + key + "' must be a whole number >= 0");
  *out = static_cast<T>(*v);
  return Status::Ok();
}

Status Number(const toml::node& node, const std::string& key, double* out) {
  const std::optional<double> v = node.value<double>();
  if (!v) return Status::InvalidArgument("'" + key + "' must be a number");
  *out = *v;
  return Status::Ok();
}

Status String(const toml::node& node, const std::string& key, std::string* out) {
  const std::optional<std::string> v = node.value<std::string>();
  if (!v) return Status::InvalidArgument("'" + key + "' must be a string");
  *out = *v;
  return Status::Ok();
}

Status ApplyTable(const toml::table& root, ServerOptions* o) {
  for (const auto& [key_node, node] : root) {
    const std::string key(key_node.str());
    Status s = Status::Ok();
    if (key == "listen") {
      std::string listen;
      s = String(node, key, &listen);
      if (s.ok()) s = ApplyListen(listen, o);
    } else if (key == "db") {
      s = String(node, key, &o->db_path);
    } else if (key == "model") {
      s = String(node, key, &o->model_path);
    } else if (key == "max_body_bytes") {
      s = Integer(node, key, &o->max_body_bytes);
    } else if (key == "max_import_bytes") {
      s = Integer(node, key, &o->max_import_bytes);
    } else if (key == "http_threads") {
      s = Integer(node, key, &o->http_threads);
    } else if (key == "rate_limit" || key == "training") {
      const toml::table* table = node.as_table();
      if (table == nullptr) return Status::InvalidArgument("'" + key + "' must be a table");
      for (const auto& [sub_node, sub] : *table) {
        const std::string sub_key = key + "." + std::string(sub_node.str());
        if (sub_key == "rate_limit.per_second") {
          s = Number(sub, sub_key, &o->rate_limit);
        } else if (sub_key == "rate_limit.burst") {
          s = Number(sub, sub_key, &o->rate_burst);
        } else if (sub_key == "training.threads") {
          s = Integer(sub, sub_key, &o->train_threads);
        } else {
          s = Status::InvalidArgument("unknown setting '" + sub_key + "'");
        }
        if (!s.ok()) return s;
      }
    } else {
      s = Status::InvalidArgument("unknown setting '" + key + "'");
    }
    if (!s.ok()) return s;
  }
  return CheckRates(*o);
}

}  // namespace

std::optional<std::string> ProcessEnv(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

Status ApplyListen(std::string_view listen, ServerOptions* options) {
  const auto colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == listen.size())
    return Status::InvalidArgument("listen must be HOST:PORT, got '" + std::string(listen) + "'");
  int port = -1;
  const char* first = listen.data() + colon + 1;
  const char* last = listen.data() + listen.size();
  auto [ptr, ec] = std::from_chars(first, last, port);
  if (ec != std::errc() || ptr != last || port < 0 || port > 65535)
    return Status::InvalidArgument("listen port must be 0..65535, got '" + std::string(listen) +
                                   "'");
  options->host = std::string(listen.substr(0, colon));
  options->port = port;
  return Status::Ok();
}

Status ApplyConfigText(std::string_view text, std::string_view name, ServerOptions* options) {
  toml::parse_result parsed = toml::parse(text, name);
  if (!parsed) {
    const toml::parse_error& e = parsed.error();
    return Status::InvalidArgument(std::string(name) + ":" + std::to_string(e.source().begin.line) +
                                   ":" + std::to_string(e.source().begin.column) + ": " +
                                   std::string(e.description()));
  }
  ServerOptions updated = *options;
  if (Status s = ApplyTable(parsed.table(), &updated); !s.ok())
    return s.WithContext(std::string(name));
  *options = std::move(updated);
  return Status::Ok();
}

Status LoadConfig(const std::string& path, const EnvFn& env, ServerOptions* options) {
  ServerOptions o = *options;
  if (!path.empty()) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::IoError("cannot read config file " + path);
    std::ostringstream text;
    text << in.rdbuf();
    if (Status s = ApplyConfigText(text.str(), path, &o); !s.ok()) return s;
  }
  auto get = [&env](const char* name) { return env ? env(name) : std::nullopt; };
  if (auto v = get("TICKETWISE_LISTEN")) {
    if (Status s = ApplyListen(*v, &o); !s.ok()) return s.WithContext("TICKETWISE_LISTEN");
  }
  if (auto v = get("TICKETWISE_DB")) o.db_path = *v;
  if (auto v = get("TICKETWISE_MODEL")) o.model_path = *v;
  struct {
    const char* name;
    std::size_t* out;
  } const sizes[] = {{"TICKETWISE_MAX_BODY_BYTES", &o.max_body_bytes},
                     {"TICKETWISE_MAX_IMPORT_BYTES", &o.max_import_bytes},
                     {"TICKETWISE_HTTP_THREADS", &o.http_threads}};
  for (const auto& [name, out] : sizes) {
    if (auto v = get(name)) {
      if (Status s = ParseNumber(*v, name, out); !s.ok()) return s;
    }
  }
  if (auto v = get("TICKETWISE_TRAIN_THREADS")) {
    if (Status s = ParseNumber(*v, "TICKETWISE_TRAIN_THREADS", &o.train_threads); !s.ok()) return s;
  }
  if (auto v = get("TICKETWISE_RATE_LIMIT")) {
    if (Status s = ParseNumber(*v, "TICKETWISE_RATE_LIMIT", &o.rate_limit); !s.ok()) return s;
  }
  if (auto v = get("TICKETWISE_RATE_BURST")) {
    if (Status s = ParseNumber(*v, "TICKETWISE_RATE_BURST", &o.rate_burst); !s.ok()) return s;
  }
  if (Status s = CheckRates(o); !s.ok()) return s;
  *options = std::move(o);
  return Status::Ok();
}

}  // namespace ticketwise::server
