// Ticket: the engine's view of one service-desk ticket, whatever platform it came from.
//
// A Ticket is a plain value: connectors and importers fill it, the engine reads it. It owns all of
// its strings. Text fields hold plain text (markup already stripped by the ingest layer) in valid
// UTF-8.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ticketwise {

// Who can see a comment on the ticketing platform.
enum class Visibility : std::uint8_t {
  kInternal,  // agents only (Jira JSM internal comment, ServiceNow work_notes)
  kPublic,    // the requester sees it (customer-visible)
};

// "internal" or "public".
std::string_view VisibilityName(Visibility visibility);
// The Visibility named `name` (exactly as VisibilityName writes it), or nullopt.
std::optional<Visibility> ParseVisibility(std::string_view name);

struct Comment {
  std::string author;  // platform user id or name; may be empty
  std::string body;    // plain text
  Visibility visibility = Visibility::kInternal;
  std::int64_t created_at_ms = 0;  // Unix epoch milliseconds; 0 when unknown
};

struct Ticket {
  std::string tenant;       // tenant id; every stored row carries it
  std::string external_id;  // the platform's key, e.g. "ITSM-42" or a sys_id
  std::string title;
  std::string description;
  std::vector<Comment> comments;
  std::string requester;  // platform user id; may be empty
  std::string service;    // affected service or configuration item; may be empty
  std::int64_t created_at_ms = 0;
  std::map<std::string, std::string>
      fields;  // current field values: "category", "priority", "queue", ...
};

// The text the models read: title and description joined by a blank line, then public and internal
// comments in order. Empty parts are skipped.
std::string ModelText(const Ticket& ticket);

}  // namespace ticketwise
