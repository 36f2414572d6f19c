// Secrets: random ids, API keys and hashes for the store, on top of OpenSSL.
//
// OpenSSL stays behind this header so no public header of the module pulls it in. Randomness comes
// from RAND_bytes (the OS CSPRNG), never from <random>, because ids and keys must not be guessable.
// All functions are safe from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "ticketwise/status.h"

namespace ticketwise::store {

using Sha256Digest = std::array<std::uint8_t, 32>;

// `prefix` + 2*`bytes` lower-case hex digits of fresh randomness. Internal when the CSPRNG fails.
Result<std::string> RandomId(std::string_view prefix, std::size_t bytes);

// `prefix` + 12 hex digits of the wall clock in milliseconds + 2*`bytes` hex digits of randomness.
// Ids made later sort after earlier ones (to the millisecond), so rows keyed by them are appended
// to the end of their indexes instead of landing on a random page each: a commit of many new
// tickets writes a few pages, not one per row and index. The random part keeps them unguessable.
Result<std::string> OrderedId(std::string_view prefix, std::size_t bytes);

// A new API key: "tw_" + 64 hex digits (32 random bytes).
Result<std::string> NewApiKey();

Sha256Digest Sha256(std::string_view data);
std::string Sha256Hex(std::string_view data);

// Compares in time that depends only on the length, so a caller cannot time its way to a hash.
bool DigestsEqual(const Sha256Digest& a, const Sha256Digest& b);

}  // namespace ticketwise::store
