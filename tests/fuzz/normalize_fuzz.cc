// Fuzzes the model-input path: UTF-8 repair, normalization and tokenization must accept any bytes,
// and their outputs must keep the invariants later stages rely on. Any violation traps so libFuzzer
// records the input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text/normalize.h"
#include "text/tokenize.h"
#include "text/utf8.h"

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

// Normalized text has no control characters but tab and newline, C1 controls included.
bool HasOnlyAllowedControls(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) return false;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9F) return false;
  }
  return true;
}

void CheckTokens(std::string_view text, const std::vector<std::string_view>& tokens,
                 bool text_is_valid) {
  for (std::string_view token : tokens) {
    Check(!token.empty());
    Check(token.data() >= text.data() && token.data() + token.size() <= text.data() + text.size());
    if (text_is_valid) Check(ticketwise::text::IsValidUtf8(token));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ticketwise::text;
  const std::string_view raw(reinterpret_cast<const char*>(data), size);

  const std::string sanitized = SanitizeUtf8(raw);
  Check(IsValidUtf8(sanitized));
  Check(IsValidUtf8(raw) == (sanitized == raw));

  const std::string normalized = Normalize(raw);
  Check(IsValidUtf8(normalized));
  Check(HasOnlyAllowedControls(normalized));
  // Invalid sequences never span an ASCII byte, so repairing first cannot change the result.
  Check(normalized == Normalize(sanitized));
  // NFKC with case folding is meant to be a closure; utf8proc's composition of the two is checked
  // here.
  Check(Normalize(normalized) == normalized);

  std::vector<std::string_view> tokens;
  Tokenize(normalized, &tokens);
  CheckTokens(normalized, tokens, true);
  Tokenize(raw, &tokens);
  CheckTokens(raw, tokens, false);
  return 0;
}
