// Fuzzes every parser of HTTP request bodies (tickets, feedback, modes, training requests,
// knowledge-base articles, webhook secrets, platform connections, polling, incidents) and the TOML
// settings parser: any bytes must give a value or an InvalidArgument, never a crash, and a parsed
// ticket must keep its required fields.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/api_json.h"
#include "server/config.h"

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ticketwise;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  if (auto t = server::ParseTicketRequest(body)) {
    Check(!t->external_id.empty());
  } else {
    Check(t.error().code() == StatusCode::kInvalidArgument);
  }
  if (auto f = server::ParseFeedbackRequest(body)) {
    Check(!f->field.empty());
    Check(f->verdict != store::Verdict::kCorrected || !f->value.empty());
  } else {
    Check(f.error().code() == StatusCode::kInvalidArgument);
  }
  if (auto m = server::ParseModeRequest(body)) {
    Check(m->auto_min_confidence >= 0.0 && m->auto_min_confidence <= 1.0);
  }
  if (auto r = server::ParseTrainRequest(body)) Check(!r->field.empty());
  if (auto a = server::ArticleRequestToJsonl(body)) {
    Check(a->empty() || a->back() == '\n');
  } else {
    Check(a.error().code() == StatusCode::kInvalidArgument);
  }
  if (auto a = server::ArticleRequestToJsonl(body, "KB-1"); !a)
    Check(a.error().code() == StatusCode::kInvalidArgument);
  if (auto secret = server::ParseSecretRequest(body)) Check(!secret->empty());
  if (auto c = server::ParseConnectionRequest(body, "jira")) {
    Check(!c->base_url.empty() && !c->secret.empty());
  }
  if (auto p = server::ParsePollingRequest(body)) Check(p->first <= 86400);
  if (auto incidents = server::ParseCheckedIncidents(body, nullptr)) {
    Check(!incidents->empty());
    for (const store::IncidentRecord& i : *incidents) Check(!i.id.empty() && !i.json.empty());
  } else {
    Check(incidents.error().code() == StatusCode::kInvalidArgument);
  }
  server::ServerOptions options;
  if (server::ApplyConfigText(body, "fuzz.toml", &options).ok()) {
    Check(options.port >= 0 && options.port <= 65535);
    Check(options.rate_limit >= 0.0 && options.max_body_bytes > 0);
  }
  return 0;
}
