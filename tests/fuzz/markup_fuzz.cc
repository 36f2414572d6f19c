// Fuzzes markup stripping with every MarkupKind: it must accept any valid UTF-8 without crashing,
// keep its output valid UTF-8 and never blow the text up. Any violation traps so libFuzzer records
// the input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "text/markup.h"
#include "text/utf8.h"

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ticketwise::text;
  const std::string input =
      SanitizeUtf8(std::string_view(reinterpret_cast<const char*>(data), size));
  for (MarkupKind kind :
       {MarkupKind::kAuto, MarkupKind::kPlain, MarkupKind::kHtml, MarkupKind::kJiraWiki}) {
    const std::string out = StripMarkup(input, kind);
    Check(IsValidUtf8(out));
    // Table bars are the only construct that grows ("|" -> " | "), and by at most three times.
    Check(out.size() <= 3 * input.size());
  }
  return 0;
}
