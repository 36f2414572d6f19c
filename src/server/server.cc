#include "server/server.h"

#include <httplib.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <optional>
#include <regex>
#include <string_view>
#include <thread>
#include <utility>

#include "classify/model.h"
#include "engine/engine.h"
#include "server/api_json.h"
#include "store/sqlite_store.h"
#include "store/store.h"

namespace ticketwise::server {
namespace {

constexpr char kJson[] = "application/json";

// The one place where a Status becomes an HTTP status code.
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
  if (http >= 500) {
    std::fprintf(stderr, "ticketwise serve: %s\n", status.ToString().c_str());
    SendError(res, http, StatusCodeName(status.code()), "the server could not handle the request");
    return;
  }
  SendError(res, http, StatusCodeName(status.code()), status.message());
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The media type of a Content-Type header without parameters, lower-cased:
// "Application/JSON; charset=utf-8" -> "application/json".
std::string MediaType(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && content_type.back() == ' ') content_type.remove_suffix(1);
  while (!content_type.empty() && content_type.front() == ' ') content_type.remove_prefix(1);
  return Lower(content_type);
}

// Hex of the model's content checksum, so a decision names exactly the bytes that made it, even
// when someone overwrites the model file under the same name.
std::string ModelVersion(const std::string& path, const classify::Model& model) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(classify::Model::FileChecksum(model.Serialize())));
  return std::filesystem::path(path).stem().string() + "@" + hex;
}

struct Route {
  std::regex pattern;
  const char* allow;  // methods served, for 405's Allow header
};

}  // namespace

struct Server::Impl {
  ServerOptions options;
  std::unique_ptr<store::Store> store;
  engine::Engine engine;
  std::shared_ptr<const classify::Model> model;
  std::string model_version;
  std::vector<Route> routes;
  httplib::Server http;

  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stop_requested = false;  // GUARDED_BY(stop_mu)
  bool listen_done = false;     // GUARDED_BY(stop_mu)

  void InstallRoutes();

  // Resolves the bearer key to a tenant, or answers the request (401, or the store's error).
  std::optional<std::string> Authenticate(const httplib::Request& req, httplib::Response& res);

  // One model serves every tenant until per-tenant training exists (issue 3, models API); tenants
  // created after the server started get it on their first request.
  void EnsureModel(const std::string& tenant) {
    if (!engine.HasModel(tenant)) engine.SetModel(tenant, model, model_version);
  }

  void PostTicket(const httplib::Request& req, httplib::Response& res);
  void GetTicket(const httplib::Request& req, httplib::Response& res);
  void GetDecision(const httplib::Request& req, httplib::Response& res);
  void Fallback(const httplib::Request& req, httplib::Response& res);
};

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
  auto tenant = store->FindTenantByApiKey(key);
  if (!tenant) {
    if (tenant.error().code() == StatusCode::kNotFound) {
      res.set_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      SendError(res, 401, "unauthorized", "the API key is not valid");
    } else {
      SendStatus(res, tenant.error());
    }
    return std::nullopt;
  }
  return std::move(*tenant);
}

void Server::Impl::PostTicket(const httplib::Request& req, httplib::Response& res) {
  auto tenant = Authenticate(req, res);
  if (!tenant) return;
  if (MediaType(req.get_header_value("Content-Type")) != kJson) {
    SendError(res, 415, "unsupported_media_type", "Content-Type must be application/json");
    return;
  }
  // The HTTP library already refuses larger bodies while reading (set_payload_max_length); this
  // keeps the limit true even if that setting is ever dropped.
  if (req.body.size() > options.max_body_bytes) {
    SendError(res, 413, "payload_too_large",
              "body exceeds " + std::to_string(options.max_body_bytes) + " bytes");
    return;
  }
  auto ticket = ParseTicketRequest(req.body);
  if (!ticket) return SendStatus(res, ticket.error());
  ticket->tenant = *tenant;

  EnsureModel(*tenant);
  auto decision = engine.Decide(*tenant, *ticket);
  if (!decision) return SendStatus(res, decision.error());
  // Committed before the response leaves: a client that got 201 can always read it back.
  if (Status s = store->RecordTriage(*tenant, *ticket, &*decision); !s.ok())
    return SendStatus(res, s);
  res.status = 201;
  res.set_header("Location", "/v1/decisions/" + decision->id);
  res.set_content(DecisionJson(*decision), kJson);
}

void Server::Impl::GetTicket(const httplib::Request& req, httplib::Response& res) {
  auto tenant = Authenticate(req, res);
  if (!tenant) return;
  auto ticket = store->GetTicket(*tenant, req.matches[1].str());
  if (!ticket) return SendStatus(res, ticket.error());
  res.set_content(TicketJson(*ticket), kJson);
}

void Server::Impl::GetDecision(const httplib::Request& req, httplib::Response& res) {
  auto tenant = Authenticate(req, res);
  if (!tenant) return;
  auto decision = store->GetDecision(*tenant, req.matches[1].str());
  if (!decision) return SendStatus(res, decision.error());
  res.set_content(DecisionJson(*decision), kJson);
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
  // Kept next to the handlers below so that the 405 check knows every path the API serves.
  routes = {{std::regex("/healthz"), "GET"},
            {std::regex("/readyz"), "GET"},
            {std::regex("/v1/tickets"), "POST"},
            {std::regex("/v1/tickets/[^/]+"), "GET"},
            {std::regex("/v1/decisions/[^/]+"), "GET"}};

  http.set_payload_max_length(options.max_body_bytes);
  http.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok", "text/plain");
  });
  http.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    // Create refuses to build a Server without both, so readiness only fails if that changes.
    if (store == nullptr || model == nullptr) {
      SendError(res, 503, "unavailable", "store or model not ready");
      return;
    }
    res.set_content("ready", "text/plain");
  });
  http.Post("/v1/tickets",
            [this](const httplib::Request& req, httplib::Response& res) { PostTicket(req, res); });
  http.Get("/v1/tickets/([^/]+)",
           [this](const httplib::Request& req, httplib::Response& res) { GetTicket(req, res); });
  http.Get("/v1/decisions/([^/]+)",
           [this](const httplib::Request& req, httplib::Response& res) { GetDecision(req, res); });

  auto fallback = [this](const httplib::Request& req, httplib::Response& res) {
    Fallback(req, res);
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

Result<std::unique_ptr<Server>> Server::Create(const ServerOptions& options) {
  if (options.model_path.empty()) return Fail(Status::InvalidArgument("a model file is required"));
  if (options.port < 0 || options.port > 65535)
    return Fail(Status::InvalidArgument("port must be in 0..65535"));
  if (options.max_body_bytes == 0)
    return Fail(Status::InvalidArgument("max_body_bytes must be positive"));

  auto impl = std::make_unique<Impl>();
  impl->options = options;
  auto model = classify::Model::Load(options.model_path);
  if (!model) return Fail(model.error());  // Load names the file already
  impl->model = std::make_shared<const classify::Model>(std::move(*model));
  impl->model_version = ModelVersion(options.model_path, *impl->model);

  auto store = store::OpenSqliteStore(options.db_path);
  if (!store) return Fail(store.error().WithContext(options.db_path));
  impl->store = std::move(*store);
  auto tenants = impl->store->ListTenants();
  if (!tenants) return Fail(tenants.error());
  for (const store::Tenant& t : *tenants) impl->EnsureModel(t.id);

  impl->InstallRoutes();
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
