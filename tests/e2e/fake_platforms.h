// A fake Jira and ServiceNow for the write-back tests: one cpp-httplib server on a loopback port
// inside the test process that answers the REST calls ticketwise makes (docs: integrations.md
// §2 and §3), keeps what it was sent, and can be told to fail. Test code only.
//
//   Jira:       POST /rest/api/2/issue/{key}/comment   -> 201, the comment is kept
//               GET  /rest/api/2/issue/{key}/comment   -> 200 {"comments": [...]}
//               PUT  /rest/api/2/issue/{key}           -> 204, fields.components and priority kept
//               GET  /rest/api/2/issue/{key}           -> 200 {"fields": {"status": ...}}
//               GET  /rest/api/2/issue/{key}/transitions -> 200 {"transitions": [...]}: from an
//               open
//                     issue "Start" (to In Progress) and "Resolve" (id 31, to Resolved, a done
//                     status, resolution required); from a resolved one only "Reopen"
//               POST /rest/api/2/issue/{key}/transitions -> 204; 400 for a transition the issue
//                     does not offer or a missing resolution; the comment of `update` is kept
//                     as a public one
//   ServiceNow: POST  /oauth_token.do                  -> 200 {"access_token", "expires_in"} for
//   the
//                     client set by RequireOAuthClient (then every call needs one of its tokens)
//               PATCH /api/now/table/incident/{sys_id} -> 200, work_notes appended, other fields
//                     kept (assignment_group only by name with sysparm_input_display_value=true)
//               GET   /api/now/table/incident/{sys_id} -> 200 {"result": {"work_notes": "...",
//                     "state": "..."}} (state "1" until set)
//               GET   /api/now/table/incident?sysparm_query=sys_updated_on>=X^ORDERBYsys_updated_on
//                     -> 200 {"result": [...]}: the records put with PutIncident, updated at or
//                     after X, oldest first, at most sysparm_limit
//
// Writes (POST, PUT, PATCH) are answered from a script first: each scripted answer is used once,
// in order (a 500, a 429 with Retry-After, a 400 with a body, or a hang: the write is kept but the
// answer comes only after a pause longer than the client waits). Thread-safe.
#pragma once

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ticketwise::e2e {

class FakePlatforms {
 public:
  struct Answer {
    int status = 200;
    std::string body{};
    std::optional<int> retry_after_s{};
    // > 0: keep the write as if it succeeded, then wait this long before answering `status`.
    int hang_ms = 0;
  };
  struct Request {
    std::string method;
    std::string path;
    std::string body;
    std::string authorization;
    std::chrono::steady_clock::time_point at;
  };

  FakePlatforms() {
    // OAuth 2.0 client credentials (RFC 6749 4.4), as ServiceNow's /oauth_token.do answers them.
    server_.Post("/oauth_token.do", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      Log(req);
      if (req.get_param_value("grant_type") != "client_credentials" ||
          req.get_param_value("client_id") != oauth_id_ ||
          req.get_param_value("client_secret") != oauth_secret_ || oauth_id_.empty()) {
        res.status = 401;
        res.set_content(R"({"error":"invalid_client","error_description":"access_denied"})",
                        "application/json");
        return;
      }
      const std::string token = "tok-" + std::to_string(++tokens_issued_);
      valid_tokens_.push_back(token);
      res.set_content(nlohmann::json{{"access_token", token},
                                     {"token_type", "Bearer"},
                                     {"expires_in", 1799},
                                     {"scope", "useraccount"}}
                          .dump(),
                      "application/json");
    });
    server_.Post(R"(/rest/api/2/issue/([^/]+)/comment)", [this](const httplib::Request& req,
                                                                httplib::Response& res) {
      Write(req, res, [&](nlohmann::json& body) {
        if (!body.contains("body") || !body["body"].is_string()) {
          res.status = 400;
          res.set_content(R"({"errorMessages":["Comment body can not be empty!"],"errors":{}})",
                          "application/json");
          return false;
        }
        const bool internal =
            body.value("properties", nlohmann::json::array()).dump().find(R"("internal":true)") !=
            std::string::npos;
        jira_comments_[req.matches[1].str()].push_back(
            {{"id", std::to_string(++next_id_)}, {"body", body["body"]}, {"jsdPublic", !internal}});
        res.status = 201;
        res.set_content(jira_comments_[req.matches[1].str()].back().dump(), "application/json");
        return true;
      });
    });
    server_.Get(R"(/rest/api/2/issue/([^/]+)/comment)", [this](const httplib::Request& req,
                                                               httplib::Response& res) {
      std::lock_guard lock(mu_);
      Log(req);
      nlohmann::json list = nlohmann::json::array();
      for (const auto& c : jira_comments_[req.matches[1].str()]) list.push_back(c);
      res.set_content(
          nlohmann::json{
              {"startAt", 0}, {"maxResults", 100}, {"total", list.size()}, {"comments", list}}
              .dump(),
          "application/json");
    });
    server_.Put(R"(/rest/api/2/issue/([^/]+))", [this](const httplib::Request& req,
                                                       httplib::Response& res) {
      Write(req, res, [&](nlohmann::json& body) {
        const nlohmann::json& fields = body["fields"];
        if (fields.contains("components"))
          jira_components_[req.matches[1].str()] =
              fields["components"][0]["name"].get<std::string>();
        if (fields.contains("priority"))
          jira_priorities_[req.matches[1].str()] = fields["priority"]["name"].get<std::string>();
        res.status = 204;
        return true;
      });
    });
    server_.Get(R"(/rest/api/2/issue/([^/]+))", [this](const httplib::Request& req,
                                                       httplib::Response& res) {
      std::lock_guard lock(mu_);
      Log(req);
      const bool done = jira_resolutions_.contains(req.matches[1].str());
      res.set_content(nlohmann::json{{"key", req.matches[1].str()},
                                     {"fields",
                                      {{"status",
                                        {{"name", done ? "Resolved" : "Waiting for support"},
                                         {"statusCategory", {{"key", done ? "done" : "new"}}}}}}}}
                          .dump(),
                      "application/json");
    });
    server_.Get(R"(/rest/api/2/issue/([^/]+)/transitions)", [this](const httplib::Request& req,
                                                                   httplib::Response& res) {
      std::lock_guard lock(mu_);
      Log(req);
      res.set_content(nlohmann::json{{"transitions", Transitions(req.matches[1].str())}}.dump(),
                      "application/json");
    });
    server_.Post(R"(/rest/api/2/issue/([^/]+)/transitions)", [this](const httplib::Request& req,
                                                                    httplib::Response& res) {
      Write(req, res, [&](nlohmann::json& body) {
        const std::string key = req.matches[1].str();
        const std::string id = body["transition"].value("id", "");
        bool offered = false;
        for (const auto& t : Transitions(key)) offered = offered || t["id"] == id;
        const nlohmann::json* resolution = nullptr;
        if (body.contains("fields") && body["fields"].contains("resolution"))
          resolution = &body["fields"]["resolution"];
        if (!offered || (id == "31" && resolution == nullptr)) {
          res.status = 400;
          res.set_content(
              offered ? R"({"errorMessages":[],"errors":{"resolution":"Resolution is required."}})"
                      : R"({"errorMessages":["Transition id is not valid for this issue."]})",
              "application/json");
          return false;
        }
        if (id == "31") jira_resolutions_[key] = (*resolution)["name"].get<std::string>();
        if (id == "41") jira_resolutions_.erase(key);
        if (body.contains("update") && body["update"].contains("comment"))
          for (const auto& c : body["update"]["comment"])
            jira_comments_[key].push_back({{"id", std::to_string(++next_id_)},
                                           {"body", c["add"]["body"]},
                                           {"jsdPublic", true}});
        res.status = 204;
        return true;
      });
    });
    server_.Patch(R"(/api/now/table/incident/([0-9a-f]+))", [this](const httplib::Request& req,
                                                                   httplib::Response& res) {
      Write(req, res, [&](nlohmann::json& body) {
        std::string& notes = work_notes_[req.matches[1].str()];
        if (body.contains("work_notes"))
          notes = "2026-12-04 10:00:00 - ticketwise (Work notes)\n" +
                  body["work_notes"].get<std::string>() + "\n\n" + notes;
        // A reference field given by name needs sysparm_input_display_value=true; without it
        // the instance would take the name for a sys_id.
        if (body.contains("assignment_group") &&
            req.get_param_value("sysparm_input_display_value") != "true") {
          res.status = 400;
          res.set_content(R"({"error":{"message":"Invalid reference"},"status":"failure"})",
                          "application/json");
          return true;
        }
        for (const auto& [name, value] : body.items())
          if (name != "work_notes")
            incident_fields_[req.matches[1].str()][name] =
                value.is_string() ? value.get<std::string>() : value.dump();
        res.set_content(nlohmann::json{{"result", {{"sys_id", req.matches[1].str()}}}}.dump(),
                        "application/json");
        return true;
      });
    });
    server_.Get(R"(/api/now/table/incident/([0-9a-f]+))", [this](const httplib::Request& req,
                                                                 httplib::Response& res) {
      std::lock_guard lock(mu_);
      Log(req);
      if (!Authorized(req, res)) return;
      const std::string sys_id = req.matches[1].str();
      const auto& fields = incident_fields_[sys_id];
      const std::string state = fields.contains("state") ? fields.at("state") : "1";
      res.set_content(
          nlohmann::json{{"result", {{"work_notes", work_notes_[sys_id]}, {"state", state}}}}
              .dump(),
          "application/json");
    });
    server_.Get("/api/now/table/incident", [this](const httplib::Request& req,
                                                  httplib::Response& res) {
      std::lock_guard lock(mu_);
      Log(req);
      const std::string query = req.get_param_value("sysparm_query");
      const std::string prefix = "sys_updated_on>=";
      std::string since;
      if (query.rfind(prefix, 0) == 0)
        since = query.substr(prefix.size(), query.find('^') - prefix.size());
      const std::size_t limit =
          req.has_param("sysparm_limit") ? std::stoul(req.get_param_value("sysparm_limit")) : 100;
      std::vector<nlohmann::json> hits;
      for (const auto& [sys_id, record] : incidents_)
        if (record["sys_updated_on"]["value"].get<std::string>() >= since) hits.push_back(record);
      std::sort(hits.begin(), hits.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
        return a["sys_updated_on"]["value"] < b["sys_updated_on"]["value"];
      });
      if (hits.size() > limit) hits.resize(limit);
      res.set_content(nlohmann::json{{"result", hits}}.dump(), "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  ~FakePlatforms() {
    server_.stop();
    thread_.join();
  }

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // The next writes get these answers, in order; after them, success.
  void Script(std::vector<Answer> answers) {
    std::lock_guard lock(mu_);
    script_.assign(answers.begin(), answers.end());
  }

  std::vector<Request> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  std::vector<nlohmann::json> jira_comments(const std::string& key) const {
    std::lock_guard lock(mu_);
    auto it = jira_comments_.find(key);
    return it == jira_comments_.end() ? std::vector<nlohmann::json>{} : it->second;
  }
  std::string jira_component(const std::string& key) const {
    std::lock_guard lock(mu_);
    auto it = jira_components_.find(key);
    return it == jira_components_.end() ? "" : it->second;
  }

  std::string jira_priority(const std::string& key) const {
    std::lock_guard lock(mu_);
    auto it = jira_priorities_.find(key);
    return it == jira_priorities_.end() ? "" : it->second;
  }
  std::string work_notes(const std::string& sys_id) const {
    std::lock_guard lock(mu_);
    auto it = work_notes_.find(sys_id);
    return it == work_notes_.end() ? "" : it->second;
  }
  // Adds or replaces an incident for the list endpoint, as the Table API gives it with
  // sysparm_display_value=all: every field {"value", "display_value"}.
  void PutIncident(const std::string& sys_id, const std::string& number, const std::string& title,
                   const std::string& category, const std::string& updated_on, int mod_count) {
    auto field = [](const std::string& v) {
      return nlohmann::json{{"value", v}, {"display_value", v}};
    };
    std::lock_guard lock(mu_);
    incidents_[sys_id] = {{"sys_id", field(sys_id)},
                          {"number", field(number)},
                          {"short_description", field(title)},
                          {"description", field(title)},
                          {"category", field(category)},
                          {"state", field("1")},
                          {"sys_updated_on", field(updated_on)},
                          {"sys_mod_count", field(std::to_string(mod_count))}};
  }

  // A field ticketwise set on the incident ("category", "impact", "assignment_group", ...).
  std::string incident_field(const std::string& sys_id, const std::string& name) const {
    std::lock_guard lock(mu_);
    auto it = incident_fields_.find(sys_id);
    if (it == incident_fields_.end()) return "";
    auto f = it->second.find(name);
    return f == it->second.end() ? "" : f->second;
  }
  // Sets a field of the incident as a person on the instance would.
  void SetIncidentField(const std::string& sys_id, const std::string& name,
                        const std::string& value) {
    std::lock_guard lock(mu_);
    incident_fields_[sys_id][name] = value;
  }
  // The resolution name of a Jira issue resolved through a transition; "" while it is open.
  std::string jira_resolution(const std::string& key) const {
    std::lock_guard lock(mu_);
    auto it = jira_resolutions_.find(key);
    return it == jira_resolutions_.end() ? "" : it->second;
  }
  std::string category(const std::string& sys_id) const {
    return incident_field(sys_id, "category");
  }

  // From now on every write and read needs a bearer token issued for this client.
  void RequireOAuthClient(std::string id, std::string secret) {
    std::lock_guard lock(mu_);
    oauth_id_ = std::move(id);
    oauth_secret_ = std::move(secret);
  }
  // The tokens issued so far stop working (as when an administrator revokes them).
  void RevokeTokens() {
    std::lock_guard lock(mu_);
    valid_tokens_.clear();
  }
  int tokens_issued() const {
    std::lock_guard lock(mu_);
    return tokens_issued_;
  }

  // Waits up to `seconds` for `done` to hold.
  template <class F>
  bool WaitUntil(F done, int seconds = 15) const {
    for (int i = 0; i < seconds * 100; ++i) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return done();
  }

 private:
  void Log(const httplib::Request& req) {
    requests_.push_back({req.method, req.path, req.body, req.get_header_value("Authorization"),
                         std::chrono::steady_clock::now()});
  }

  // The workflow: an open issue can start or be resolved; a resolved one can only be reopened.
  nlohmann::json Transitions(const std::string& key) const {
    auto to = [](const char* name, const char* category) {
      return nlohmann::json{{"name", name}, {"statusCategory", {{"key", category}}}};
    };
    if (jira_resolutions_.contains(key))
      return nlohmann::json::array({{{"id", "41"}, {"name", "Reopen"}, {"to", to("Open", "new")}}});
    return nlohmann::json::array(
        {{{"id", "11"}, {"name", "Start"}, {"to", to("In Progress", "indeterminate")}},
         {{"id", "31"},
          {"name", "Resolve"},
          {"to", to("Resolved", "done")},
          {"fields",
           {{"resolution",
             {{"required", true},
              {"allowedValues",
               nlohmann::json::array({{{"id", "10000"}, {"name", "Done"}}})}}}}}}});
  }

  // With an OAuth client required, only its live tokens pass; otherwise anything does.
  bool Authorized(const httplib::Request& req, httplib::Response& res) {
    if (oauth_id_.empty()) return true;
    const std::string header = req.get_header_value("Authorization");
    for (const std::string& t : valid_tokens_)
      if (header == "Bearer " + t) return true;
    res.status = 401;
    res.set_content(R"({"error":{"message":"User Not Authenticated"},"status":"failure"})",
                    "application/json");
    return false;
  }

  // A write: the scripted answer if there is one, else `apply` on the parsed body.
  template <class F>
  void Write(const httplib::Request& req, httplib::Response& res, F apply) {
    int hang_ms = 0;
    {
      std::lock_guard lock(mu_);
      Log(req);
      if (!Authorized(req, res)) return;
      nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
      if (body.is_discarded() || req.get_header_value("Content-Type") != "application/json") {
        res.status = 400;
        res.set_content(R"({"errorMessages":["not JSON"],"errors":{}})", "application/json");
        return;
      }
      if (!script_.empty()) {
        Answer a = script_.front();
        script_.pop_front();
        if (a.hang_ms > 0) {
          apply(body);
          hang_ms = a.hang_ms;
        }
        res.status = a.status;
        if (a.retry_after_s) res.set_header("Retry-After", std::to_string(*a.retry_after_s));
        if (!a.body.empty()) res.set_content(a.body, "application/json");
      } else {
        apply(body);
      }
    }
    if (hang_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(hang_ms));
  }

  mutable std::mutex mu_;
  std::string oauth_id_, oauth_secret_;
  std::vector<std::string> valid_tokens_;
  int tokens_issued_ = 0;
  std::map<std::string, nlohmann::json> incidents_;
  std::deque<Answer> script_;
  std::vector<Request> requests_;
  std::map<std::string, std::vector<nlohmann::json>> jira_comments_;
  std::map<std::string, std::string> jira_components_;
  std::map<std::string, std::string> jira_priorities_;
  std::map<std::string, std::string> jira_resolutions_;
  std::map<std::string, std::string> work_notes_;
  std::map<std::string, std::map<std::string, std::string>> incident_fields_;
  int next_id_ = 10000;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace ticketwise::e2e
