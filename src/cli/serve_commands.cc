// serve and tenant: run the HTTP service and administer tenants (see README "Command line").
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <string>
#include <thread>
#include <utility>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "connect/writeback.h"
#include "server/config.h"
#include "server/server.h"
#include "store/sqlite_store.h"

namespace ticketwise::cli {
namespace {

// Waits for SIGINT or SIGTERM and then stops `server`; returns when that happened or `*done` is
// set. The signals are blocked in every thread (see RunServe) and taken here with sigtimedwait,
// so no signal handler and no global flag are needed.
void WatchSignals(const sigset_t& signals, server::Server* server, const std::atomic<bool>* done) {
  const timespec tick{0, 100'000'000};
  while (!done->load()) {
    const int sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig == SIGINT || sig == SIGTERM) {
      std::fprintf(stderr, "ticketwise serve: %s, stopping\n",
                   sig == SIGINT ? "SIGINT" : "SIGTERM");
      server->Stop();
      return;
    }
  }
}

// The tenant commands take a name first, then flags: "NAME --db FILE". The name is empty when
// the first argument is a flag.
std::pair<std::string, std::vector<std::string>> SplitName(const std::vector<std::string>& argv) {
  if (argv.empty() || argv.front().rfind("--", 0) == 0) return {std::string(), argv};
  return {argv.front(), std::vector<std::string>(argv.begin() + 1, argv.end())};
}

int RunTenantWebhookSecret(const std::vector<std::string>& argv) {
  Args args("tenant webhook-secret TENANT",
            "set the secret a platform signs the tenant's webhooks with (HMAC-SHA256)");
  args.Flag("db", "FILE", "SQLite database file", false, "./ticketwise.db");
  args.Flag("jira", "SECRET", "the secret of the Jira webhook (X-Hub-Signature)", false, "");
  args.Flag("servicenow", "SECRET",
            "the base64 key of the ServiceNow Business Rule (X-SN-Signature)", false, "");
  auto [name, flags] = SplitName(argv);
  auto parsed = args.Parse(flags);
  if (!parsed) return Usage(parsed.error());
  if (!*parsed) return 0;
  if (name.empty()) return Usage(Status::InvalidArgument("tenant webhook-secret needs a TENANT"));
  if (args.Get("jira").empty() && args.Get("servicenow").empty())
    return Usage(Status::InvalidArgument("give --jira SECRET, --servicenow SECRET or both"));
  auto store = store::OpenSqliteStore(args.Get("db"));
  if (!store) return Failed(store.error().WithContext(args.Get("db")));
  auto tenant = FindTenant(store->get(), name);
  if (!tenant) return Failed(tenant.error());
  for (const char* platform : {"jira", "servicenow"}) {
    const std::string secret = args.Get(platform);
    if (secret.empty()) continue;
    if (Status s = (*store)->SetWebhookSecret(*tenant, platform, secret, "cli"); !s.ok())
      return Failed(s);
    std::printf("%s webhook: POST /v1/hooks/%s/%s\n", platform, platform, tenant->c_str());
  }
  return 0;
}

int RunTenantConnection(const std::vector<std::string>& argv) {
  Args args("tenant connection TENANT",
            "set how ticketwise reaches the tenant's Jira or ServiceNow to write decisions back");
  args.Flag("db", "FILE", "SQLite database file", false, "./ticketwise.db");
  args.Flag("jira-url", "URL", "the Jira site, e.g. https://acme.atlassian.net", false, "");
  args.Flag("jira-user", "EMAIL", "the Jira account of the API token (Basic auth)", false, "");
  args.Flag("jira-token", "TOKEN", "its API token", false, "");
  args.Flag("jira-bearer", "TOKEN", "a bearer token instead (Data Center personal access token)",
            false, "");
  args.Flag("servicenow-url", "URL", "the instance, e.g. https://acme.service-now.com", false, "");
  args.Flag("servicenow-user", "USER", "the integration user (Basic auth)", false, "");
  args.Flag("servicenow-password", "PASSWORD", "its password", false, "");
  args.Flag("servicenow-bearer", "TOKEN", "an OAuth access token instead", false, "");
  for (const char* p : {"jira", "servicenow"}) {
    const std::string prefix = p;
    args.Flag(prefix + "-client-id", "ID", "OAuth client credentials instead: the client id", false,
              "");
    args.Flag(prefix + "-client-secret", "SECRET", "and its secret", false, "");
    args.Flag(prefix + "-token-url", "URL",
              "where access tokens are asked for (default: the platform's token endpoint)", false,
              "");
  }
  auto [name, flags] = SplitName(argv);
  auto parsed = args.Parse(flags);
  if (!parsed) return Usage(parsed.error());
  if (!*parsed) return 0;
  if (name.empty()) return Usage(Status::InvalidArgument("tenant connection needs a TENANT"));
  std::vector<store::Connection> connections;
  struct PlatformFlags {
    const char* platform;
    const char* secret_flag;  // the Basic auth secret
  };
  for (const PlatformFlags& p :
       {PlatformFlags{"jira", "token"}, PlatformFlags{"servicenow", "password"}}) {
    const std::string prefix = std::string(p.platform) + "-";
    const std::string url = args.Get(prefix + "url");
    const std::string user = args.Get(prefix + "user");
    const std::string secret = args.Get(prefix + p.secret_flag);
    const std::string bearer = args.Get(prefix + "bearer");
    const std::string client_id = args.Get(prefix + "client-id");
    const std::string client_secret = args.Get(prefix + "client-secret");
    const std::string token_url = args.Get(prefix + "token-url");
    if (url.empty() && user.empty() && secret.empty() && bearer.empty() && client_id.empty() &&
        client_secret.empty() && token_url.empty())
      continue;
    if (url.empty()) return Usage(Status::InvalidArgument("--" + prefix + "url is required"));
    if (!secret.empty() + !bearer.empty() + !client_secret.empty() != 1 ||
        client_id.empty() != client_secret.empty() || (!token_url.empty() && client_id.empty()))
      return Usage(Status::InvalidArgument(
          "give --" + prefix + p.secret_flag + " (with --" + prefix + "user), --" + prefix +
          "bearer, or --" + prefix + "client-id with --" + prefix + "client-secret"));
    store::Connection c;
    c.platform = p.platform;
    c.base_url = url;
    if (!client_secret.empty()) {
      c.auth = store::AuthKind::kOAuth;
      c.user = client_id;
      c.secret = client_secret;
      c.token_url = !token_url.empty()
                        ? token_url
                        : connect::DefaultTokenUrl(std::string_view(p.platform) == "jira"
                                                       ? connect::Platform::kJira
                                                       : connect::Platform::kServiceNow,
                                                   url);
      connections.push_back(std::move(c));
      continue;
    }
    c.auth = bearer.empty() ? store::AuthKind::kBasic : store::AuthKind::kBearer;
    c.user = bearer.empty() ? user : "";
    c.secret = bearer.empty() ? secret : bearer;
    if (c.auth == store::AuthKind::kBasic && c.user.empty())
      return Usage(Status::InvalidArgument("--" + prefix + "user is required with --" + prefix +
                                           p.secret_flag));
    connections.push_back(std::move(c));
  }
  if (connections.empty())
    return Usage(Status::InvalidArgument("give --jira-url ... or --servicenow-url ..."));
  auto store = store::OpenSqliteStore(args.Get("db"));
  if (!store) return Failed(store.error().WithContext(args.Get("db")));
  auto tenant = FindTenant(store->get(), name);
  if (!tenant) return Failed(tenant.error());
  for (const store::Connection& c : connections) {
    if (Status s = (*store)->SetConnection(*tenant, c, "cli"); !s.ok()) return Failed(s);
    // The secret is not repeated.
    std::printf("%s connection: %s (%s%s%s)\n", c.platform.c_str(), c.base_url.c_str(),
                std::string(store::AuthKindName(c.auth)).c_str(),
                c.user.empty()                      ? ""
                : c.auth == store::AuthKind::kOAuth ? " client "
                                                    : " as ",
                c.user.c_str());
  }
  return 0;
}

int RunTenantCreate(const std::vector<std::string>& argv) {
  Args args("tenant create NAME", "create a tenant and print its id and API key (shown only once)");
  args.Flag("db", "FILE", "SQLite database file", false, "./ticketwise.db");
  auto [name, flags] = SplitName(argv);
  auto parsed = args.Parse(flags);
  if (!parsed) return Usage(parsed.error());
  if (!*parsed) return 0;
  if (name.empty()) return Usage(Status::InvalidArgument("tenant create needs a NAME"));

  auto store = store::OpenSqliteStore(args.Get("db"));
  if (!store) return Failed(store.error().WithContext(args.Get("db")));
  auto tenant = (*store)->CreateTenant(name);
  if (!tenant) return Failed(tenant.error());
  std::printf("tenant_id %s\napi_key %s\n", tenant->tenant_id.c_str(), tenant->api_key.c_str());
  std::fputs("The API key is not stored and cannot be shown again.\n", stderr);
  return 0;
}

}  // namespace

Result<std::string> FindTenant(store::Store* store, const std::string& name) {
  auto tenants = store->ListTenants();
  if (!tenants) return Fail(tenants.error());
  for (const store::Tenant& t : *tenants)
    if (t.name == name || t.id == name) return t.id;
  return Fail(
      Status::NotFound("no tenant '" + name + "' (create it with 'ticketwise tenant create')"));
}

int RunServe(const std::vector<std::string>& argv) {
  Args args("serve", "serve the HTTP API (see README \"Command line\" and docs/api.md)");
  const server::ServerOptions defaults;
  args.Flag("config", "FILE", "TOML settings file (see docs/api.md, \"Configuration\")");
  args.Flag("listen", "HOST:PORT",
            "address to listen on (default " + defaults.host + ":" + std::to_string(defaults.port) +
                "); port 0 picks a free port");
  args.Flag("db", "FILE",
            "SQLite database file, created if missing (default " + defaults.db_path + ")");
  args.Flag("model", "FILE",
            "model file (from 'ticketwise train') for tenants without an active model of their "
            "own");
  args.Flag("rate-limit", "N", "requests per second per tenant, 0 for no limit (default 1000)");
  auto parsed = args.Parse(argv);
  if (!parsed) return Usage(parsed.error());
  if (!*parsed) return 0;

  // Defaults, then the file, then the environment, then these flags.
  server::ServerOptions options;
  if (Status s = server::LoadConfig(args.Has("config") ? args.Get("config") : std::string(),
                                    server::ProcessEnv, &options);
      !s.ok())
    return Usage(s);
  if (args.Has("listen")) {
    if (Status s = server::ApplyListen(args.Get("listen"), &options); !s.ok()) return Usage(s);
  }
  if (args.Has("db")) options.db_path = args.Get("db");
  if (args.Has("model")) options.model_path = args.Get("model");
  if (args.Has("rate-limit")) {
    auto rate = args.GetDouble("rate-limit");
    if (!rate || *rate < 0) return Usage(Status::InvalidArgument("--rate-limit must be >= 0"));
    options.rate_limit = *rate;
  }

  // Block the stop signals before any thread exists so that every thread inherits the mask and
  // only WatchSignals receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &signals, &previous);

  int code = 0;
  auto srv = server::Server::Create(options);
  if (!srv) {
    code = Failed(srv.error());
  } else if (auto port = (*srv)->Bind(); !port) {
    code = Failed(port.error());
  } else {
    // The port line is the contract scripts and tests read to find a port chosen with :0.
    std::printf("listening on http://%s:%d\n", options.host.c_str(), *port);
    std::fflush(stdout);
    std::atomic<bool> done{false};
    std::thread watcher(WatchSignals, std::cref(signals), srv->get(), &done);
    const Status s = (*srv)->Run();
    done.store(true);
    watcher.join();
    if (!s.ok()) code = Failed(s);
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return code;
}

int RunTenant(const std::vector<std::string>& argv) {
  if (!argv.empty() && argv.front() == "create")
    return RunTenantCreate({argv.begin() + 1, argv.end()});
  if (!argv.empty() && argv.front() == "webhook-secret")
    return RunTenantWebhookSecret({argv.begin() + 1, argv.end()});
  if (!argv.empty() && argv.front() == "connection")
    return RunTenantConnection({argv.begin() + 1, argv.end()});
  std::fputs(
      "usage: ticketwise tenant create NAME [--db FILE]\n"
      "  create a tenant and print its id and API key (shown only once)\n"
      "       ticketwise tenant webhook-secret TENANT [--jira SECRET] [--servicenow SECRET] "
      "[--db FILE]\n"
      "  set the secrets the platforms sign the tenant's webhooks with\n"
      "       ticketwise tenant connection TENANT [--jira-url URL (--jira-user EMAIL --jira-token "
      "TOKEN | --jira-bearer TOKEN | --jira-client-id ID --jira-client-secret SECRET "
      "[--jira-token-url URL])] [--servicenow-url URL (--servicenow-user USER "
      "--servicenow-password PASSWORD | --servicenow-bearer TOKEN | --servicenow-client-id ID "
      "--servicenow-client-secret SECRET [--servicenow-token-url URL])] [--db FILE]\n"
      "  set how ticketwise reaches the platforms to write decisions back\n",
      argv.empty() || argv.front() == "--help" ? stdout : stderr);
  return argv.empty() || argv.front() != "--help" ? 2 : 0;
}

}  // namespace ticketwise::cli
