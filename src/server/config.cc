#include "server/config.h"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <map>
#include <variant>

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

// A value of the settings file: TOML's string, integer, float or boolean.
using Value = std::variant<std::string, std::int64_t, double, bool>;

struct Setting {
  Value value;
  std::size_t line = 0;
};

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool BareKey(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Parses one value at the start of `rest` and returns what follows it.
Result<std::string_view> ParseValue(std::string_view rest, Value* out) {
  if (rest.empty()) return Fail(Status::InvalidArgument("missing value"));
  if (rest.front() == '"' || rest.front() == '\'') {
    const char quote = rest.front();
    std::string text;
    for (std::size_t i = 1; i < rest.size(); ++i) {
      const char c = rest[i];
      if (c == quote) {
        *out = std::move(text);
        return rest.substr(i + 1);
      }
      if (c == '\\' && quote == '"') {
        if (++i == rest.size()) break;
        switch (rest[i]) {
          case '"':
            text += '"';
            break;
          case '\\':
            text += '\\';
            break;
          case 'n':
            text += '\n';
            break;
          case 't':
            text += '\t';
            break;
          case 'r':
            text += '\r';
            break;
          default:
            return Fail(Status::InvalidArgument(std::string("unknown escape \\") + rest[i]));
        }
        continue;
      }
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t')
        return Fail(Status::InvalidArgument("control character in a string"));
      text += c;
    }
    return Fail(Status::InvalidArgument("unterminated string"));
  }
  std::size_t end = 0;
  while (end < rest.size() && rest[end] != ' ' && rest[end] != '\t' && rest[end] != '#') ++end;
  const std::string_view word = rest.substr(0, end);
  if (word == "true" || word == "false") {
    *out = word == "true";
    return rest.substr(end);
  }
  std::string digits;
  for (char c : word) {
    if (c != '_') digits += c;
  }
  std::int64_t integer = 0;
  auto [iptr, iec] = std::from_chars(digits.data() + (digits.starts_with('+') ? 1 : 0),
                                     digits.data() + digits.size(), integer);
  if (!digits.empty() && iec == std::errc() && iptr == digits.data() + digits.size()) {
    *out = integer;
    return rest.substr(end);
  }
  double number = 0;
  auto [dptr, dec] = std::from_chars(digits.data() + (digits.starts_with('+') ? 1 : 0),
                                     digits.data() + digits.size(), number);
  if (!digits.empty() && dec == std::errc() && dptr == digits.data() + digits.size()) {
    *out = number;
    return rest.substr(end);
  }
  return Fail(
      Status::InvalidArgument("'" + std::string(word) + "' is not a string, number or boolean"));
}

// The settings file: TOML's tables, key/value pairs, strings, numbers, booleans and comments,
// which is all the settings need. Keys are returned dotted ("rate_limit.burst").
Result<std::map<std::string, Setting>> ParseSettings(std::string_view text) {
  std::map<std::string, Setting> out;
  std::string table;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const std::size_t nl = text.find('\n');
    std::string_view line = TrimSpaces(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    auto fail = [line_no](const std::string& what) {
      return Fail(Status::InvalidArgument("line " + std::to_string(line_no) + ": " + what));
    };
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '[') {
      const std::size_t close = line.find(']');
      if (close == std::string_view::npos) return fail("unterminated table header");
      const std::string_view name = TrimSpaces(line.substr(1, close - 1));
      const std::string_view after = TrimSpaces(line.substr(close + 1));
      if (!BareKey(name)) return fail("bad table name");
      if (!after.empty() && after.front() != '#') return fail("text after the table header");
      table = std::string(name);
      continue;
    }
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) return fail("expected key = value");
    const std::string_view key = TrimSpaces(line.substr(0, eq));
    if (!BareKey(key)) return fail("bad key '" + std::string(key) + "'");
    Value value;
    Result<std::string_view> rest = ParseValue(TrimSpaces(line.substr(eq + 1)), &value);
    if (!rest) return fail(rest.error().message());
    const std::string_view tail = TrimSpaces(*rest);
    if (!tail.empty() && tail.front() != '#') return fail("text after the value");
    const std::string dotted = table.empty() ? std::string(key) : table + "." + std::string(key);
    if (!out.emplace(dotted, Setting{std::move(value), line_no}).second)
      return fail("'" + dotted + "' is set twice");
  }
  return out;
}

template <class T>
Status Integer(const Value& v, const std::string& key, T* out) {
  const std::int64_t* n = std::get_if<std::int64_t>(&v);
  if (n == nullptr || *n < 0)
    return Status::InvalidArgument("'" + key + "' must be a whole number >= 0");
  *out = static_cast<T>(*n);
  return Status::Ok();
}

Status Number(const Value& v, const std::string& key, double* out) {
  if (const std::int64_t* n = std::get_if<std::int64_t>(&v)) {
    *out = static_cast<double>(*n);
  } else if (const double* d = std::get_if<double>(&v)) {
    *out = *d;
  } else {
    return Status::InvalidArgument("'" + key + "' must be a number");
  }
  return Status::Ok();
}

Status String(const Value& v, const std::string& key, std::string* out) {
  const std::string* s = std::get_if<std::string>(&v);
  if (s == nullptr) return Status::InvalidArgument("'" + key + "' must be a string");
  *out = *s;
  return Status::Ok();
}

Status Apply(const std::map<std::string, Setting>& settings, ServerOptions* o) {
  for (const auto& [key, setting] : settings) {
    const Value& v = setting.value;
    Status s = Status::Ok();
    if (key == "listen") {
      std::string listen;
      s = String(v, key, &listen);
      if (s.ok()) s = ApplyListen(listen, o);
    } else if (key == "db") {
      s = String(v, key, &o->db_path);
    } else if (key == "model") {
      s = String(v, key, &o->model_path);
    } else if (key == "max_body_bytes") {
      s = Integer(v, key, &o->max_body_bytes);
    } else if (key == "max_import_bytes") {
      s = Integer(v, key, &o->max_import_bytes);
    } else if (key == "http_threads") {
      s = Integer(v, key, &o->http_threads);
    } else if (key == "rate_limit.per_second") {
      s = Number(v, key, &o->rate_limit);
    } else if (key == "rate_limit.burst") {
      s = Number(v, key, &o->rate_burst);
    } else if (key == "training.threads") {
      s = Integer(v, key, &o->train_threads);
    } else if (key == "outbox.backoff_ms") {
      s = Integer(v, key, &o->outbox_backoff_ms);
    } else if (key == "outbox.timeout_ms") {
      s = Integer(v, key, &o->outbox_timeout_ms);
    } else {
      s = Status::InvalidArgument("unknown setting '" + key + "'");
    }
    if (!s.ok()) return s.WithContext("line " + std::to_string(setting.line));
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
  auto settings = ParseSettings(text);
  if (!settings) return settings.error().WithContext(std::string(name));
  ServerOptions updated = *options;
  if (Status s = Apply(*settings, &updated); !s.ok()) return s.WithContext(std::string(name));
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
  for (const auto& [name, out] :
       {std::pair{"TICKETWISE_OUTBOX_BACKOFF_MS", &o.outbox_backoff_ms},
        std::pair{"TICKETWISE_OUTBOX_TIMEOUT_MS", &o.outbox_timeout_ms}}) {
    if (auto v = get(name)) {
      if (Status s = ParseNumber(*v, name, out); !s.ok()) return s;
    }
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
