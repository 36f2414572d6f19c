#include "ticketwise/ticket.h"

namespace ticketwise {

std::string_view VisibilityName(Visibility visibility) {
  return visibility == Visibility::kPublic ? "public" : "internal";
}

std::optional<Visibility> ParseVisibility(std::string_view name) {
  if (name == "public") return Visibility::kPublic;
  if (name == "internal") return Visibility::kInternal;
  return std::nullopt;
}

std::string ModelText(const Ticket& ticket) {
  std::string out;
  auto append = [&out](const std::string& part) {
    if (part.empty()) return;
    if (!out.empty()) out += "\n\n";
    out += part;
  };
  append(ticket.title);
  append(ticket.description);
  for (const Comment& c : ticket.comments) append(c.body);
  return out;
}

}  // namespace ticketwise
