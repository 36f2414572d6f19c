// Fuzzes PII detection and redaction on arbitrary bytes (binary junk and invalid UTF-8 included):
// spans must be sorted, non-overlapping and inside the input, redaction must replace exactly them,
// and a second session must give the same text. Any violation traps so libFuzzer records the input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "safety/pii.h"
#include "safety/redactor.h"

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ticketwise::safety;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto spans = FindPii(input);
  std::size_t prev_end = 0, kept = 0;
  for (const PiiSpan& s : spans) {
    Check(s.start >= prev_end && s.start < s.end && s.end <= input.size());
    Check(static_cast<int>(s.type) < kPiiTypeCount);
    kept += s.end - s.start;
    prev_end = s.end;
  }
  Redactor first;
  const Redaction a = first.Redact(input);
  Check(a.spans == spans);
  Check(a.text.size() + kept >= input.size());
  Redactor second;
  Check(second.Redact(input).text == a.text);
  for (const PiiSpan& s : FindPii(input, {.person_names = false}))
    Check(s.type != PiiType::kPerson);
  return 0;
}
