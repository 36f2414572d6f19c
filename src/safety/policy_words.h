// Phrase lists of the outbound policy (policy_words.cc), lower case, UTF-8. Internal to the safety
// module. Immutable; thread-safe.
#pragma once

#include <span>
#include <string_view>

namespace ticketwise::safety::internal {

std::span<const std::string_view> InternalMarkerPhrases();
std::span<const std::string_view> BlamePhrases();
std::span<const std::string_view> SpeculationPhrases();
std::span<const std::string_view> DismissivePhrases();

}  // namespace ticketwise::safety::internal
