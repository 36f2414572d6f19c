#include "server/server.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <utility>

#include "classify/model.h"
#include "server/api_json.h"
#include "server/log.h"
#include "server/server_impl.h"
#include "store/secrets.h"
#include "store/sqlite_store.h"

namespace ticketwise::server {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Hex of the model's content checksum, so a decision names exactly the bytes that made it, even
// when someone overwrites the model file under the same name.
std::string FileModelVersion(const std::string& path, const classify::Model& model) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(classify::Model::FileChecksum(model.Serialize())));
  return std::filesystem::path(path).stem().string() + "@" + hex;
}

double SteadySeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
    case StatusCode::kUnsupported:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kResourceExhausted:
      return 413;
    // The service cannot serve this request now (a tenant without a model, a locked database);
    // the client did nothing wrong and may retry.
    case StatusCode::kFailedPrecondition:
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kIoError:
    case StatusCode::kCorruption:
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

void SendError(httplib::Response& res, int http_status, std::string_view code,
               std::string_view message) {
  res.status = http_status;
  res.set_content(ErrorJson(code, message), kJson);
}

void SendStatus(httplib::Response& res, const Status& status) {
  const int http = HttpStatusFor(status.code());
  // Internal details (paths, SQL errors) are for the operator's log, not for the client.
  if (http >= 500 && status.code() != StatusCode::kFailedPrecondition) {
    // Logs leave the process: personal data in a message (a value echoed by a library) is
    // redacted first.
    LogLine(status.ToString());
    SendError(res, http, StatusCodeName(status.code()), "the server could not handle the request");
    return;
  }
  SendError(res, http, StatusCodeName(status.code()), status.message());
}

std::string MediaType(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && content_type.back() == ' ') content_type.remove_suffix(1);
  while (!content_type.empty() && content_type.front() == ' ') content_type.remove_prefix(1);
  return Lower(content_type);
}

std::optional<std::string> Server::Impl::Authenticate(const httplib::Request& req,
                                                      httplib::Response& res) {
  const std::string header = req.get_header_value("Authorization");
  constexpr std::string_view kBearer = "bearer ";
  std::string key;
  if (header.size() > kBearer.size() && Lower(header.substr(0, kBearer.size())) == kBearer)
    key = header.substr(kBearer.size());
  if (key.empty()) {
    res.set_header("WWW-Authenticate", "Bearer");
    SendError(res, 401, "unauthorized", "missing 'Authorization: Bearer <api key>' header");
    return std::nullopt;
  }
  const std::string digest = store::Sha256Hex(key);
  Result<std::string> tenant = Fail(Status::NotFound("unknown API key"));
  {
    std::shared_lock lock(auth_mu);
    if (auto it = auth_cache.find(digest); it != auth_cache.end()) tenant = it->second;
  }
  if (!tenant) {
    tenant = store->FindTenantByApiKey(key);
    if (tenant) {
      std::unique_lock lock(auth_mu);
      auth_cache.emplace(digest, *tenant);
    }
  }
  if (!tenant) {
    if (tenant.error().code() == StatusCode::kNotFound) {
      res.set_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      SendError(res, 401, "unauthorized", "the API key is not valid");
    } else {
      SendStatus(res, tenant.error());
    }
    return std::nullopt;
  }
  if (const double wait = limiter->Take(*tenant, SteadySeconds()); wait > 0.0) {
    metrics.RecordRateLimited(*tenant);
    res.set_header("Retry-After", std::to_string(static_cast<long>(std::ceil(wait))));
    SendError(res, 429, "rate_limited", "too many requests for this tenant; retry later");
    return std::nullopt;
  }
  return std::move(*tenant);
}

bool Server::Impl::RequireJson(const httplib::Request& req, httplib::Response& res) {
  if (MediaType(req.get_header_value("Content-Type")) == kJson) return true;
  SendError(res, 415, "unsupported_media_type", "Content-Type must be application/json");
  return false;
}

// A whole number in [1, max] from the query parameter `name`, or `fallback` when it is absent.
Result<std::uint32_t> CountParam(const httplib::Request& req, const char* name,
                                 std::uint32_t fallback, std::uint32_t max) {
  if (!req.has_param(name)) return fallback;
  const std::string v = req.get_param_value(name);
  std::uint32_t n = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || ptr != v.data() + v.size() || n == 0 || n > max)
    return Fail(Status::InvalidArgument(std::string(name) + " must be a whole number from 1 to " +
                                        std::to_string(max)));
  return n;
}

void Server::Impl::Measure(const std::string& route, const httplib::Request& req,
                           httplib::Response& res, const std::function<void()>& handle) {
  const auto start = std::chrono::steady_clock::now();
  handle();
  metrics.RecordRequest(
      route, req.method, res.status,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

void Server::Impl::Add(const char* method, const char* name, const char* regex, Handler handler) {
  const std::string route = name;
  auto fn = [this, route, handler](const httplib::Request& req, httplib::Response& res) {
    Measure(route, req, res, [&] {
      auto tenant = Authenticate(req, res);
      if (!tenant) return;
      if (req.body.size() > options.max_body_bytes) {
        SendError(res, 413, "payload_too_large",
                  "body exceeds " + std::to_string(options.max_body_bytes) + " bytes");
        return;
      }
      (this->*handler)(req, res, *tenant);
    });
  };
  const std::string m = method;
  if (m == "GET") http.Get(regex, fn);
  if (m == "POST") http.Post(regex, fn);
  if (m == "PUT") http.Put(regex, fn);
  if (m == "DELETE") http.Delete(regex, fn);
  for (Route& r : routes) {
    if (r.name == route) {
      r.allow += ", " + m;
      return;
    }
  }
  routes.push_back({route, std::regex(regex), m});
}

void Server::Impl::AddHook(const char* method, const char* name, const char* regex) {
  const std::string route = name;
  http.Post(regex, [this, route](const httplib::Request& req, httplib::Response& res) {
    Measure(route, req, res, [&] { PostHook(req, res); });
  });
  routes.push_back({route, std::regex(regex), method});
}

void Server::Impl::Fallback(const httplib::Request& req, httplib::Response& res) {
  for (const Route& route : routes) {
    if (std::regex_match(req.path, route.pattern)) {
      res.set_header("Allow", route.allow);
      SendError(res, 405, "method_not_allowed",
                req.method + " is not allowed on " + req.path + "; allowed: " + route.allow);
      return;
    }
  }
  SendError(res, 404, "not_found", "no route for " + req.path);
}

void Server::Impl::InstallRoutes() {
  // The import streams to a file under its own limit; every other route takes max_body_bytes.
  // A body a little over that is read and answered 413 by the handler, so the client gets its
  // answer; one far over it (declared by Content-Length) is refused before it is read, and the
  // connection is closed, because reading it would only waste time.
  http.set_payload_max_length(std::max(options.max_body_bytes, options.max_import_bytes));
  // Responses are small and written in pieces; without TCP_NODELAY, Nagle's algorithm and the
  // client's delayed ACK add tens of milliseconds to every keep-alive request.
  http.set_tcp_nodelay(true);
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (req.path == "/v1/import") return httplib::Server::HandlerResponse::Unhandled;
    const std::string length = req.get_header_value("Content-Length");
    const std::size_t cut_off = 16 * options.max_body_bytes;
    if (!length.empty() && length.size() < 20 &&
        std::all_of(length.begin(), length.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
        std::stoull(length) > cut_off) {
      SendError(res, 413, "payload_too_large",
                "body exceeds " + std::to_string(options.max_body_bytes) + " bytes");
      res.set_header("Connection", "close");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  routes.push_back({"/healthz", std::regex("/healthz"), "GET"});
  routes.push_back({"/readyz", std::regex("/readyz"), "GET"});
  routes.push_back({"/metrics", std::regex("/metrics"), "GET"});
  http.Get("/healthz", [this](const httplib::Request& req, httplib::Response& res) {
    Measure("/healthz", req, res, [&] { res.set_content("ok", "text/plain"); });
  });
  http.Get("/readyz", [this](const httplib::Request& req, httplib::Response& res) {
    Measure("/readyz", req, res, [&] {
      // Ready when the database answers; tenants without a model get 503 on their own requests.
      if (auto tenants = store->ListTenants(); !tenants) {
        SendError(res, 503, "unavailable", "the database is not reachable");
        return;
      }
      res.set_content("ready", "text/plain");
    });
  });
  http.Get("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
    Measure("/metrics", req, res, [&] {
      std::vector<std::pair<std::string, std::string>> models;
      if (auto tenants = store->ListTenants(); tenants) {
        for (const store::Tenant& t : *tenants) {
          std::string version = engine.ModelVersion(t.id);
          if (!version.empty()) models.emplace_back(t.id, std::move(version));
        }
      }
      store::InboxCounts items;
      if (auto counts = store->CountInbox(); counts) items = *counts;
      std::array<std::int64_t, 3> writes{};
      if (auto counts = store->CountOutbox(); counts) writes = *counts;
      res.set_content(metrics.Render(models, items.pending, items.failed, writes),
                      "text/plain; version=0.0.4");
    });
  });

  Add("POST", "/v1/tickets", "/v1/tickets", &Impl::PostTicket);
  Add("GET", "/v1/tickets/{id}", "/v1/tickets/([^/]+)", &Impl::GetTicket);
  Add("GET", "/v1/decisions", "/v1/decisions", &Impl::ListDecisions);
  Add("GET", "/v1/decisions/{id}", "/v1/decisions/([^/]+)", &Impl::GetDecision);
  Add("POST", "/v1/decisions/{id}/feedback", "/v1/decisions/([^/]+)/feedback", &Impl::PostFeedback);
  Add("GET", "/v1/decisions/{id}/feedback", "/v1/decisions/([^/]+)/feedback", &Impl::ListFeedback);
  routes.push_back({"/v1/import", std::regex("/v1/import"), "POST"});
  http.Post("/v1/import", [this](const httplib::Request& req, httplib::Response& res,
                                 const httplib::ContentReader& reader) {
    Measure("/v1/import", req, res, [&] { PostImport(req, res, reader); });
  });
  Add("POST", "/v1/models/train", "/v1/models/train", &Impl::TrainModel);
  Add("GET", "/v1/models", "/v1/models", &Impl::ListModels);
  Add("GET", "/v1/models/{version}", "/v1/models/([^/]+)", &Impl::GetModel);
  Add("POST", "/v1/models/{version}/activate", "/v1/models/([^/]+)/activate", &Impl::ActivateModel);
  Add("POST", "/v1/kb/articles", "/v1/kb/articles", &Impl::PostArticles);
  Add("GET", "/v1/kb/articles", "/v1/kb/articles", &Impl::ListArticles);
  Add("GET", "/v1/kb/articles/{id}", "/v1/kb/articles/([^/]+)", &Impl::GetArticle);
  Add("PUT", "/v1/kb/articles/{id}", "/v1/kb/articles/([^/]+)", &Impl::PutArticle);
  Add("DELETE", "/v1/kb/articles/{id}", "/v1/kb/articles/([^/]+)", &Impl::DeleteArticle);
  Add("GET", "/v1/search", "/v1/search", &Impl::Search);
  Add("GET", "/v1/hooks", "/v1/hooks", &Impl::ListHooks);
  Add("PUT", "/v1/hooks/{platform}/secret", "/v1/hooks/(jira|servicenow)/secret",
      &Impl::SetHookSecret);
  Add("GET", "/v1/hooks/inbox", "/v1/hooks/inbox", &Impl::ListInbox);
  AddHook("POST", "/v1/hooks/{platform}/{tenant}", "/v1/hooks/(jira|servicenow)/([^/]+)");
  Add("GET", "/v1/connections", "/v1/connections", &Impl::ListConnections);
  Add("PUT", "/v1/connections/servicenow/poll", "/v1/connections/servicenow/poll",
      &Impl::SetPolling);
  Add("GET", "/v1/connections/servicenow/poll", "/v1/connections/servicenow/poll",
      &Impl::GetPolling);
  Add("PUT", "/v1/connections/jira/fields", "/v1/connections/jira/fields", &Impl::PutJiraFields);
  Add("GET", "/v1/connections/jira/fields", "/v1/connections/jira/fields", &Impl::GetJiraFields);
  Add("PUT", "/v1/connections/{platform}", "/v1/connections/(jira|servicenow)",
      &Impl::SetConnection);
  Add("GET", "/v1/outbox", "/v1/outbox", &Impl::ListOutbox);
  Add("POST", "/v1/outbox/{id}/retry", "/v1/outbox/([0-9]+)/retry", &Impl::RetryOutbox);
  Add("PUT", "/v1/triage/config", "/v1/triage/config", &Impl::PutTriageConfig);
  Add("GET", "/v1/triage/config", "/v1/triage/config", &Impl::GetTriageConfig);
  Add("PUT", "/v1/resolution/config", "/v1/resolution/config", &Impl::PutResolutionConfig);
  Add("GET", "/v1/resolution/config", "/v1/resolution/config", &Impl::GetResolutionConfig);
  Add("GET", "/v1/resolution/report", "/v1/resolution/report", &Impl::GetResolutionReport);
  Add("POST", "/v1/status/incidents", "/v1/status/incidents", &Impl::PostIncidents);
  Add("GET", "/v1/status/incidents", "/v1/status/incidents", &Impl::ListIncidents);
  Add("GET", "/v1/status/major-incidents", "/v1/status/major-incidents", &Impl::ListMajorIncidents);
  Add("GET", "/v1/alerts/ping-pong", "/v1/alerts/ping-pong", &Impl::ListPingPong);
  Add("GET", "/v1/privacy", "/v1/privacy", &Impl::GetPrivacy);
  Add("PUT", "/v1/privacy", "/v1/privacy", &Impl::PutPrivacy);
  Add("GET", "/v1/modes", "/v1/modes", &Impl::ListModes);
  Add("PUT", "/v1/modes/{field}", "/v1/modes/([^/]+)", &Impl::SetMode);

  auto fallback = [this](const httplib::Request& req, httplib::Response& res) {
    Measure("unmatched", req, res, [&] { Fallback(req, res); });
  };
  http.Get(".*", fallback);
  http.Post(".*", fallback);
  http.Put(".*", fallback);
  http.Patch(".*", fallback);
  http.Delete(".*", fallback);
  http.Options(".*", fallback);

  // Errors the library produces itself (413 while reading, 400 for a broken request line) get the
  // same JSON shape as ours; responses that already have a body are left alone.
  http.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        const char* code = res.status == 413 ? "payload_too_large" : "bad_request";
        if (res.status >= 500) code = "internal";
        const char* message =
            res.status == 413 ? "request body too large" : "the request is not valid HTTP";
        if (res.status >= 500) message = "the server could not handle the request";
        res.set_content(ErrorJson(code, message), kJson);
        return httplib::Server::HandlerResponse::Handled;
      }));
  // A throwing handler is a bug in our code or a library; answer 500 rather than drop the
  // connection.
  http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        SendError(res, 500, "internal", "the server could not handle the request");
      });
}

Status Server::Impl::InstallModel(const std::string& tenant, const std::string& field,
                                  const std::string& version,
                                  std::shared_ptr<const classify::Model> model) {
  if (field == "category") {
    engine.SetModel(tenant, std::move(model), version);
    return Status::Ok();
  }
  return engine.SetHead(tenant, field, std::move(model), version);
}

Status Server::Impl::LoadTenantState() {
  auto active = store->ActiveModels();
  if (!active) return active.error();
  for (const auto& [tenant, version] : *active) {
    auto bytes = store->ModelBytes(tenant, version.version);
    if (!bytes) return bytes.error();
    auto model = classify::Model::Deserialize(*bytes);
    if (!model)
      return model.error().WithContext("model " + version.version + " of tenant " + tenant);
    if (Status s = InstallModel(tenant, version.field, version.version,
                                std::make_shared<const classify::Model>(std::move(*model)));
        !s.ok())
      return s.WithContext("model " + version.version + " of tenant " + tenant);
  }
  if (Status s = LoadPrivacy(); !s.ok()) return s;
  if (Status s = LoadJiraFields(); !s.ok()) return s;
  auto configs = store->Configs(store::ConfigKind::kTriage);
  if (!configs) return configs.error();
  for (const store::ConfigRecord& c : *configs)
    if (Status s = LoadTriageConfig(c); !s.ok()) return s;
  auto resolution = store->Configs(store::ConfigKind::kResolution);
  if (!resolution) return resolution.error();
  for (const store::ConfigRecord& c : *resolution)
    if (Status s = LoadResolutionConfig(c); !s.ok()) return s;
  auto tenants = store->ListTenants();
  if (!tenants) return tenants.error();
  for (const store::Tenant& t : *tenants) {
    if (Status s = LoadIncidents(t.id); !s.ok())
      return s.WithContext("incidents of tenant " + t.id);
    auto modes = store->ListFieldModes(t.id);
    if (!modes) return modes.error();
    for (const store::FieldMode& m : *modes)
      engine.SetPolicy(t.id, m.field, {m.mode, m.auto_min_confidence});
    if (Status s = LoadKnowledge(t.id); !s.ok())
      return s.WithContext("knowledge of tenant " + t.id);
  }
  return Status::Ok();
}

Result<std::unique_ptr<Server>> Server::Create(const ServerOptions& options) {
  if (options.port < 0 || options.port > 65535)
    return Fail(Status::InvalidArgument("port must be in 0..65535"));
  if (options.max_body_bytes == 0 || options.max_import_bytes == 0)
    return Fail(Status::InvalidArgument("body limits must be positive"));
  if (!(options.rate_limit >= 0.0) || !(options.rate_burst >= 0.0))
    return Fail(Status::InvalidArgument("rate limits must not be negative"));

  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (!options.model_path.empty()) {
    auto model = classify::Model::Load(options.model_path);
    if (!model) return Fail(model.error());  // Load names the file already
    const std::string version = FileModelVersion(options.model_path, *model);
    impl->engine.SetDefaultModel(std::make_shared<const classify::Model>(std::move(*model)),
                                 version);
  }

  auto store = store::OpenSqliteStore(options.db_path);
  if (!store) return Fail(store.error().WithContext(options.db_path));
  impl->store = std::move(*store);
  if (Status s = impl->store->FailAbandonedModels(); !s.ok()) return Fail(s);
  if (Status s = impl->LoadTenantState(); !s.ok()) return Fail(s);
  impl->limiter = std::make_unique<RateLimiter>(options.rate_limit, options.rate_burst);
  Impl* raw = impl.get();
  impl->trainer = std::make_unique<ModelTrainer>(
      impl->store.get(), TrainerOptions{.threads = options.train_threads},
      [raw](const std::string& tenant, const std::string& field, const std::string& version,
            std::shared_ptr<const classify::Model> model) {
        static_cast<void>(raw->InstallModel(tenant, field, version, std::move(model)));
      });
  if (options.http_threads > 0) {
    const std::size_t n = options.http_threads;
    impl->http.new_task_queue = [n] { return new httplib::ThreadPool(n); };
  }
  impl->InstallRoutes();
  impl->outbox = std::make_unique<OutboxWorker>(
      impl->store.get(),
      OutboxOptions{
          .backoff = std::chrono::milliseconds(options.outbox_backoff_ms),
          .client = {.total_timeout = std::chrono::milliseconds(options.outbox_timeout_ms),
                     .tokens = &impl->oauth_tokens}},
      [raw](const std::string& platform, const char* outcome) {
        raw->metrics.RecordWriteBack(platform, outcome);
      });
  impl->inbox =
      std::make_unique<InboxWorker>(impl->store.get(), [raw](const store::InboxItem& item) {
        InboxOutcome outcome = raw->ProcessDelivery(item);
        raw->metrics.RecordInboxProcessed(outcome.ok ? "done" : outcome.retry ? "retry" : "failed");
        return outcome;
      });
  impl->poller = std::make_unique<Poller>(
      impl->store.get(),
      PlatformClientOptions{.total_timeout = std::chrono::milliseconds(options.outbox_timeout_ms),
                            .tokens = &impl->oauth_tokens},
      [raw] { raw->inbox->Notify(); });
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() = default;

Result<int> Server::Bind() {
  int port = impl_->options.port;
  if (port == 0) {
    port = impl_->http.bind_to_any_port(impl_->options.host);
    if (port < 0) port = 0;
  } else if (!impl_->http.bind_to_port(impl_->options.host, port)) {
    port = 0;
  }
  if (port == 0)
    return Fail(Status::Unavailable("cannot listen on " + impl_->options.host + ":" +
                                    std::to_string(impl_->options.port)));
  return port;
}

Status Server::Run() {
  // The library's stop() is lost when it arrives before the accept loop has started, and must not
  // be repeated once it has been delivered, so the loop runs on its own thread and this one calls
  // stop() exactly once, as soon as both a stop was asked for and the loop is running.
  bool ok = false;
  std::thread listener([this, &ok] {
    const bool listened = impl_->http.listen_after_bind();
    std::lock_guard lock(impl_->stop_mu);
    ok = listened;
    impl_->listen_done = true;
    impl_->stop_cv.notify_all();
  });
  bool stop_requested = false;
  {
    std::unique_lock lock(impl_->stop_mu);
    impl_->stop_cv.wait(lock, [this] { return impl_->stop_requested || impl_->listen_done; });
    stop_requested = impl_->stop_requested;
    while (!impl_->listen_done) {
      if (impl_->http.is_running()) {
        lock.unlock();
        impl_->http.stop();
        lock.lock();
        impl_->stop_cv.wait(lock, [this] { return impl_->listen_done; });
        break;
      }
      impl_->stop_cv.wait_for(lock, std::chrono::milliseconds(5),
                              [this] { return impl_->listen_done; });
    }
  }
  listener.join();
  if (!ok && !stop_requested) return Status::Unavailable("the HTTP listener failed");
  return Status::Ok();
}

void Server::Stop() {
  std::lock_guard lock(impl_->stop_mu);
  impl_->stop_requested = true;
  impl_->stop_cv.notify_all();
}

}  // namespace ticketwise::server
