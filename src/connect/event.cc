#include "connect/event.h"

namespace ticketwise::connect {

std::string_view PlatformName(Platform platform) {
  switch (platform) {
    case Platform::kJira:
      return "jira";
    case Platform::kServiceNow:
      return "servicenow";
  }
  return "unknown";
}

std::string_view EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kTicketCreated:
      return "ticket_created";
    case EventKind::kTicketUpdated:
      return "ticket_updated";
    case EventKind::kCommentAdded:
      return "comment_added";
  }
  return "unknown";
}

}  // namespace ticketwise::connect
