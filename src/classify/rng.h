// SplitMix64: a small, fast generator whose output is the same on every platform and standard
// library, so that training with a fixed seed is reproducible everywhere (std::shuffle and the std
// distributions are not).
#pragma once

#include <cstdint>

namespace ticketwise::classify {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, n); REQUIRES: n > 0. The modulo bias is below 2^-40 for any n we use.
  std::uint64_t Below(std::uint64_t n) { return Next() % n; }

 private:
  std::uint64_t state_;
};

}  // namespace ticketwise::classify
