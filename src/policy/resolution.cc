// Auto-resolution rules: parsing, evaluation against a decision, and the requester's reply.
// nlohmann throws on some misuse; the parser checks every type before reading it and catches what
// is left at its boundary, so nothing escapes as an exception.
#include "policy/resolution.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "safety/langid.h"

namespace ticketwise::policy {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxRules = 200;
constexpr std::size_t kMaxNameBytes = 64;
constexpr std::size_t kMaxTemplateBytes = 4000;

Status Bad(const std::string& where, const std::string& what) {
  return Status::InvalidArgument(where + ": " + what);
}

std::string Fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

// One rule object; every key is read by what it names, so an unknown one is an error.
Status ParseRule(const json& obj, const std::string& where, ResolutionRule* rule) {
  if (!obj.is_object()) return Bad(where, "must be an object");
  bool requires_given = false;
  for (const auto& [key, value] : obj.items()) {
    const std::string at = where + "." + key;
    if (key == "requires_suggestion") {
      if (!value.is_boolean()) return Bad(at, "must be true or false");
      rule->requires_suggestion = value.get<bool>();
      requires_given = true;
      continue;
    }
    if (key == "min_relevance") {
      if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() < 0 ||
          value.get<double>() > 1)
        return Bad(at, "must be a number from 0 to 1");
      rule->min_relevance = value.get<double>();
      continue;
    }
    std::string* target = key == "name"              ? &rule->name
                          : key == "category"        ? &rule->category
                          : key == "article"         ? &rule->article
                          : key == "template"        ? &rule->reply_template
                          : key == "close_code"      ? &rule->close_code
                          : key == "jira_resolution" ? &rule->jira_resolution
                                                     : nullptr;
    if (target == nullptr) return Bad(where, "unknown key '" + key + "'");
    if (!value.is_string() || value.get<std::string>().empty())
      return Bad(at, "must be a non-empty string");
    *target = value.get<std::string>();
  }
  if (!ValidName(rule->name))
    return Bad(where + ".name", "must be 1 to 64 letters, digits, '-', '_' or '.'");
  if (rule->category.empty() && rule->article.empty())
    return Bad(where, "needs a category, an article or both");
  if (rule->reply_template.empty()) return Bad(where, "needs a template");
  if (!rule->article.empty()) {
    if (requires_given && !rule->requires_suggestion)
      return Bad(where + ".requires_suggestion", "cannot be false for a rule with an article");
    rule->requires_suggestion = true;
  }
  if (rule->min_relevance > 0) rule->requires_suggestion = true;
  return Status::Ok();
}

Status ParseConfig(const json& root, const std::string& tenant, ResolutionConfig* config) {
  if (!root.is_object()) return Bad("configuration", "must be an object");
  const json* rules = nullptr;
  for (const auto& [key, value] : root.items()) {
    if (key == "templates") {
      if (!value.is_object()) return Bad("templates", "must be an object of id -> text");
      for (const auto& [id, body] : value.items()) {
        const std::string at = "templates." + id;
        if (!ValidName(id)) return Bad(at, "an id is 1 to 64 letters, digits, '-', '_' or '.'");
        if (!body.is_string()) return Bad(at, "must be a string");
        if (body.get<std::string>().size() > kMaxTemplateBytes)
          return Bad(at, "longer than " + std::to_string(kMaxTemplateBytes) + " bytes");
        if (Status s = config->templates.Approve(tenant, id, body.get<std::string>()); !s.ok())
          return Bad(at, s.message());
        // Every variable must be one the service fills: render with all of them given.
        std::map<std::string, std::string> vars;
        for (const std::string& v : ReplyVariables()) vars[v] = "x";
        if (auto r = config->templates.Render(tenant, id, vars); !r)
          return Bad(at, r.error().message() +
                             " (variables: ticket, title, requester, rule, "
                             "source_title, source_link, steps)");
      }
    } else if (key == "rules") {
      if (!value.is_array() || value.empty()) return Bad("rules", "must be a non-empty array");
      if (value.size() > kMaxRules)
        return Bad("rules", "at most " + std::to_string(kMaxRules) + " rules");
      rules = &value;
    } else if (key == "most_urgent_priority") {
      const std::string p = value.is_string() ? value.get<std::string>() : "";
      if (p.size() != 2 || p[0] != 'P' || p[1] < '1' || p[1] > '4')
        return Bad(key, "must be \"P1\", \"P2\", \"P3\" or \"P4\"");
      config->most_urgent = p[1] - '0';
    } else {
      return Bad("configuration", "unknown key '" + key + "'");
    }
  }
  if (rules == nullptr) return Bad("configuration", "needs rules");
  std::set<std::string> names;
  for (std::size_t i = 0; i < rules->size(); ++i) {
    const std::string where = "rules[" + std::to_string(i) + "]";
    ResolutionRule rule;
    if (Status s = ParseRule((*rules)[i], where, &rule); !s.ok()) return s;
    if (!names.insert(rule.name).second) return Bad(where + ".name", "'" + rule.name + "' twice");
    if (!config->templates.IsApproved(tenant, rule.reply_template))
      return Bad(where + ".template", "'" + rule.reply_template + "' is not in templates");
    config->rules.push_back(std::move(rule));
  }
  return Status::Ok();
}

// Why `rule` does not apply to `decision`, or "" when it does; *confidence is set when it does.
std::string Mismatch(const ResolutionRule& rule, const Decision& decision, float* confidence) {
  float c = 1.0f;
  if (!rule.category.empty()) {
    const FieldDecision* category = FindField(decision, "category");
    if (category == nullptr || category->abstained || category->label != rule.category)
      return "category is not '" + rule.category + "'";
    c = category->confidence;
  }
  if (rule.requires_suggestion) {
    if (decision.match != MatchState::kMatched || decision.suggestions.empty())
      return "no suggestion passed the relevance gate";
    const Suggestion& best = decision.suggestions.front();
    if (!rule.article.empty() &&
        (best.kind != SourceKind::kArticle || best.source_id != rule.article))
      return "the best suggestion is not article '" + rule.article + "'";
    if (best.score < rule.min_relevance)
      return "the best suggestion scores " + Fixed(best.score) + " < " + Fixed(rule.min_relevance);
    c = std::min(c, static_cast<float>(best.score));
  }
  *confidence = c;
  return "";
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return out;
}

std::string FieldOf(const Ticket& ticket, const char* name) {
  auto it = ticket.fields.find(name);
  return it == ticket.fields.end() ? "" : Lower(it->second);
}

}  // namespace

const ResolutionRule* ResolutionConfig::Rule(std::string_view name) const {
  for (const ResolutionRule& r : rules)
    if (r.name == name) return &r;
  return nullptr;
}

const std::vector<std::string>& ReplyVariables() {
  static const std::vector<std::string> kVariables = {
      "ticket", "title", "requester", "rule", "source_title", "source_link", "steps"};
  return kVariables;
}

Result<ResolutionConfig> ParseResolutionConfig(std::string_view text, const std::string& tenant) {
  try {
    const json root = json::parse(text.begin(), text.end(), nullptr, false);
    if (root.is_discarded()) return Fail(Status::InvalidArgument("configuration: malformed JSON"));
    ResolutionConfig config;
    config.tenant = tenant;
    if (Status s = ParseConfig(root, tenant, &config); !s.ok()) return Fail(s);
    return config;
  } catch (const std::exception& e) {
    return Fail(Status::InvalidArgument(std::string("configuration: ") + e.what()));
  }
}

ResolutionFacts FactsOf(const Ticket& ticket) {
  ResolutionFacts facts;
  const std::string vip = FieldOf(ticket, "vip");
  facts.vip = vip == "true" || vip == "yes" || vip == "1";
  const std::string reopens = FieldOf(ticket, "reopen_count");
  facts.reopened = (!reopens.empty() && reopens != "0") ||
                   FieldOf(ticket, "status") == "reopened" ||
                   FieldOf(ticket, "state") == "reopened";
  return facts;
}

FieldDecision Evaluate(const ResolutionConfig& config, const Decision& decision,
                       const ResolutionFacts& facts) {
  FieldDecision out;
  out.field = "resolution";
  out.abstained = true;
  const ResolutionRule* applies = nullptr;
  for (const ResolutionRule& rule : config.rules) {
    float confidence = 0;
    const std::string why = Mismatch(rule, decision, &confidence);
    if (why.empty()) {
      applies = &rule;
      out.label = rule.name;
      out.confidence = confidence;
      break;
    }
    // The first rules' reasons are enough to see why nothing applied.
    if (out.reasons.size() < 3) out.reasons.push_back("rule '" + rule.name + "': " + why);
  }
  if (applies == nullptr) {
    out.reasons.insert(out.reasons.begin(), "no rule applies");
    return out;
  }
  out.reasons.clear();
  out.reasons.push_back("rule '" + applies->name + "' applies at " + Fixed(out.confidence));
  out.top.push_back({out.label, out.confidence});
  // The guards: a person stays on the ticket whatever the rule says.
  std::vector<std::string> guards;
  if (const FieldDecision* p = FindField(decision, "priority");
      p != nullptr && p->label.size() == 2 && p->label[1] - '0' < config.most_urgent)
    guards.push_back("priority " + p->label + " is more urgent than P" +
                     std::to_string(config.most_urgent));
  if (facts.vip) guards.push_back("the requester is a VIP");
  if (facts.reopened) guards.push_back("the ticket was reopened");
  if (facts.repeat_contacts > 0)
    guards.push_back("the requester has " + std::to_string(facts.repeat_contacts) +
                     " open ticket(s) about the same problem");
  for (const std::string& g : guards) out.reasons.push_back("held for a person: " + g);
  out.abstained = !guards.empty();
  return out;
}

safety::OutboundMessage RenderReply(const ResolutionConfig& config, std::string_view rule_name,
                                    const Ticket& ticket, const Decision& decision) {
  const ResolutionRule* rule = config.Rule(rule_name);
  if (rule == nullptr)
    return {false,
            "",
            {{safety::PolicyRule::kNotFromTemplate,
              "no rule '" + std::string(rule_name) + "' in the configuration"}}};
  std::map<std::string, std::string> vars = {{"ticket", ticket.external_id},
                                             {"title", ticket.title},
                                             {"requester", ticket.requester},
                                             {"rule", rule->name},
                                             {"source_title", ""},
                                             {"source_link", ""},
                                             {"steps", ""}};
  if (decision.match == MatchState::kMatched && !decision.suggestions.empty()) {
    const Suggestion& best = decision.suggestions.front();
    vars["source_title"] = best.title;
    vars["source_link"] = best.link;
    vars["steps"] = best.steps;
  }
  safety::OutboundContext context;
  auto language = ticket.fields.find("language");
  context.ticket_language =
      language != ticket.fields.end()
          ? safety::LanguageFromCode(language->second)
          : safety::IdentifyLanguage(ticket.title + "\n" + ticket.description);
  if (!ticket.requester.empty()) context.allowed_values.push_back(ticket.requester);
  return safety::RenderOutbound(config.templates, config.tenant, rule->reply_template, vars,
                                context);
}

}  // namespace ticketwise::policy
