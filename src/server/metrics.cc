#include "server/metrics.h"

#include <cstdio>

namespace ticketwise::server {
namespace {

// Label values are escaped as the text format requires: backslash, double quote and newline.
std::string Escape(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

void Header(std::string* out, const char* name, const char* type, const char* help) {
  *out += "# HELP ";
  *out += name;
  *out += ' ';
  *out += help;
  *out += "\n# TYPE ";
  *out += name;
  *out += ' ';
  *out += type;
  *out += '\n';
}

}  // namespace

void Metrics::Histogram::Observe(double seconds) {
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++counts[i];
  }
  ++count;
  sum += seconds;
}

void Metrics::RecordRequest(std::string_view route, std::string_view method, int status,
                            double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{std::string(route), std::string(method), status}];
  latency_[{std::string(route), std::string(method)}].Observe(seconds);
}

void Metrics::RecordDecision(std::string_view field, std::string_view outcome,
                             std::string_view mode) {
  std::lock_guard lock(mu_);
  ++decisions_[{std::string(field), std::string(outcome), std::string(mode)}];
}

void Metrics::RecordFeedback(std::string_view field, std::string_view verdict) {
  std::lock_guard lock(mu_);
  ++feedback_[{std::string(field), std::string(verdict)}];
}

void Metrics::RecordTriageAlert(std::string_view kind) {
  std::lock_guard lock(mu_);
  ++triage_alerts_[std::string(kind)];
}

void Metrics::RecordRateLimited(std::string_view tenant_id) {
  std::lock_guard lock(mu_);
  ++rate_limited_[std::string(tenant_id)];
}

void Metrics::RecordHook(std::string_view platform, std::string_view outcome) {
  std::lock_guard lock(mu_);
  ++hooks_[{std::string(platform), std::string(outcome)}];
}

void Metrics::RecordInboxProcessed(std::string_view outcome) {
  std::lock_guard lock(mu_);
  ++inbox_processed_[std::string(outcome)];
}

void Metrics::RecordWriteBack(std::string_view platform, std::string_view outcome) {
  std::lock_guard lock(mu_);
  ++writes_[{std::string(platform), std::string(outcome)}];
}

void Metrics::RecordEngineSeconds(double seconds) {
  std::lock_guard lock(mu_);
  engine_.Observe(seconds);
}

std::string Metrics::Render(const std::vector<std::pair<std::string, std::string>>& models,
                            std::int64_t inbox_pending, std::int64_t inbox_failed,
                            const std::array<std::int64_t, 3>& outbox) const {
  std::string out;
  auto histogram = [&out](const std::string& name, const std::string& labels, const Histogram& h) {
    const std::string sep = labels.empty() ? "" : ",";
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
      out += name + "_bucket{" + labels + sep + "le=\"" + Number(kBuckets[i]) + "\"} " +
             std::to_string(h.counts[i]) + "\n";
    out += name + "_bucket{" + labels + sep + "le=\"+Inf\"} " + std::to_string(h.count) + "\n";
    const std::string braces = labels.empty() ? "" : "{" + labels + "}";
    out += name + "_sum" + braces + " " + Number(h.sum) + "\n";
    out += name + "_count" + braces + " " + std::to_string(h.count) + "\n";
  };

  std::lock_guard lock(mu_);
  Header(&out, "ticketwise_http_requests_total", "counter", "HTTP requests by route and status.");
  for (const auto& [key, n] : requests_) {
    const auto& [route, method, status] = key;
    out += "ticketwise_http_requests_total{route=\"" + Escape(route) + "\",method=\"" +
           Escape(method) + "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(n) +
           "\n";
  }
  Header(&out, "ticketwise_http_request_duration_seconds", "histogram",
         "Time from request parsed to response ready, by route.");
  for (const auto& [key, h] : latency_)
    histogram("ticketwise_http_request_duration_seconds",
              "route=\"" + Escape(key.first) + "\",method=\"" + Escape(key.second) + "\"", h);
  Header(&out, "ticketwise_engine_duration_seconds", "histogram",
         "Time the engine spent deciding one ticket.");
  histogram("ticketwise_engine_duration_seconds", "", engine_);
  Header(&out, "ticketwise_decisions_total", "counter",
         "Field decisions by field, outcome (decided or abstained) and mode.");
  for (const auto& [key, n] : decisions_) {
    const auto& [field, outcome, mode] = key;
    out += "ticketwise_decisions_total{field=\"" + Escape(field) + "\",outcome=\"" +
           Escape(outcome) + "\",mode=\"" + Escape(mode) + "\"} " + std::to_string(n) + "\n";
  }
  Header(&out, "ticketwise_feedback_total", "counter", "Feedback by field and verdict.");
  for (const auto& [key, n] : feedback_)
    out += "ticketwise_feedback_total{field=\"" + Escape(key.first) + "\",verdict=\"" +
           Escape(key.second) + "\"} " + std::to_string(n) + "\n";
  Header(&out, "ticketwise_rate_limited_total", "counter",
         "Requests refused with 429, by tenant id.");
  for (const auto& [tenant, n] : rate_limited_)
    out += "ticketwise_rate_limited_total{tenant=\"" + Escape(tenant) + "\"} " + std::to_string(n) +
           "\n";
  Header(&out, "ticketwise_webhooks_total", "counter",
         "Webhook deliveries by platform and outcome (accepted, duplicate, ignored, invalid, "
         "unauthorized).");
  for (const auto& [key, n] : hooks_)
    out += "ticketwise_webhooks_total{platform=\"" + Escape(key.first) + "\",outcome=\"" +
           Escape(key.second) + "\"} " + std::to_string(n) + "\n";
  Header(&out, "ticketwise_inbox_processed_total", "counter",
         "Webhook deliveries processed, by outcome (done, retry, failed).");
  for (const auto& [outcome, n] : inbox_processed_)
    out += "ticketwise_inbox_processed_total{outcome=\"" + Escape(outcome) + "\"} " +
           std::to_string(n) + "\n";
  Header(&out, "ticketwise_inbox_items", "gauge",
         "Webhook deliveries waiting to be processed (pending) and given up on (failed).");
  out += "ticketwise_inbox_items{state=\"pending\"} " + std::to_string(inbox_pending) + "\n";
  out += "ticketwise_inbox_items{state=\"failed\"} " + std::to_string(inbox_failed) + "\n";
  Header(&out, "ticketwise_writeback_requests_total", "counter",
         "Requests to the platforms by platform and outcome (sent, retry, dead).");
  for (const auto& [key, n] : writes_)
    out += "ticketwise_writeback_requests_total{platform=\"" + Escape(key.first) + "\",outcome=\"" +
           Escape(key.second) + "\"} " + std::to_string(n) + "\n";
  Header(&out, "ticketwise_outbox_items", "gauge", "Writes to the platforms by state.");
  const char* outbox_states[] = {"pending", "sent", "dead"};
  for (std::size_t i = 0; i < outbox.size(); ++i)
    out += "ticketwise_outbox_items{state=\"" + std::string(outbox_states[i]) + "\"} " +
           std::to_string(outbox[i]) + "\n";
  Header(&out, "ticketwise_triage_alerts_total", "counter",
         "Probable major incidents raised and tickets linked to them, and ping-pong alerts.");
  for (const auto& [kind, n] : triage_alerts_)
    out +=
        "ticketwise_triage_alerts_total{kind=\"" + Escape(kind) + "\"} " + std::to_string(n) + "\n";
  Header(&out, "ticketwise_model_info", "gauge",
         "The model version each tenant's category decisions come from (value 1).");
  for (const auto& [tenant, version] : models)
    out += "ticketwise_model_info{tenant=\"" + Escape(tenant) + "\",field=\"category\",version=\"" +
           Escape(version) + "\"} 1\n";
  return out;
}

}  // namespace ticketwise::server
