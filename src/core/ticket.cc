#include "ticketwise/ticket.h"

namespace ticketwise {

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
