// Feeds arbitrary bytes to the Jira webhook parser and checks what it returns. Any crash,
// sanitizer report or broken invariant is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "connect/jira.h"
#include "text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto event = ticketwise::connect::ParseJiraWebhook(body, "delivery-1");
  if (!event) {
    if (event.error().ok() || event.error().message().empty()) __builtin_trap();
    return 0;
  }
  using ticketwise::text::IsValidUtf8;
  if (event->platform_id.empty() || event->ticket.external_id.empty()) __builtin_trap();
  if (event->dedupe_key.empty() || event->delivery_id != "delivery-1") __builtin_trap();
  if (!IsValidUtf8(event->ticket.title) || !IsValidUtf8(event->ticket.description)) {
    __builtin_trap();
  }
  const bool comment_event = event->kind == ticketwise::connect::EventKind::kCommentAdded;
  if (comment_event != event->comment.has_value()) __builtin_trap();
  if (event->comment && !IsValidUtf8(event->comment->body)) __builtin_trap();
  for (const auto& change : event->changes)
    if (change.field.empty()) __builtin_trap();
  return 0;
}
