// Feeds arbitrary bytes to the ServiceNow event parser, the Table API list reader and the journal
// splitter. Any crash, sanitizer report or broken invariant is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "connect/servicenow.h"
#include "text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto event = ticketwise::connect::ParseServiceNowEvent(body);
  if (event) {
    if (event->platform_id.empty() || event->ticket.external_id.empty()) __builtin_trap();
    const bool comment_event = event->kind == ticketwise::connect::EventKind::kCommentAdded;
    if (comment_event != event->comment.has_value()) __builtin_trap();
  } else if (event.error().ok()) {
    __builtin_trap();
  }
  auto page = ticketwise::connect::ParseServiceNowTableList(body);
  if (page) {
    if (page->tickets.size() != page->sys_ids.size()) __builtin_trap();
    for (const auto& ticket : page->tickets)
      if (ticket.external_id.empty()) __builtin_trap();
  } else if (page.error().ok()) {
    __builtin_trap();
  }
  if (ticketwise::text::IsValidUtf8(body)) {
    for (const auto& comment :
         ticketwise::connect::ParseJournal(body, ticketwise::Visibility::kPublic)) {
      if (comment.body.empty() || !ticketwise::text::IsValidUtf8(comment.body)) __builtin_trap();
    }
  }
  return 0;
}
