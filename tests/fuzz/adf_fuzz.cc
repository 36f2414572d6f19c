// Feeds arbitrary bytes to the ADF-to-text converter. Any crash, sanitizer report or output that
// is not valid UTF-8 is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "connect/adf.h"
#include "text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  auto text = ticketwise::connect::AdfToText(json);
  if (!text) {
    if (text.error().ok()) __builtin_trap();
    return 0;
  }
  if (!ticketwise::text::IsValidUtf8(*text)) __builtin_trap();
  if (!text->empty() && (text->front() == '\n' || text->back() == '\n')) __builtin_trap();
  return 0;
}
