#include "classify/word_cache.h"

namespace ticketwise::classify {

WordCache::WordCache(std::vector<std::uint64_t> hashes, std::vector<float> entries,
                     std::size_t stride)
    : hashes_(std::move(hashes)), entries_(std::move(entries)), stride_(stride) {
  if (hashes_.empty()) return;
  std::size_t cap = 16;
  while (cap < hashes_.size() * 2) cap <<= 1;
  mask_ = cap - 1;
  slots_.assign(cap, Slot{0, kEmpty});
  // At half load a probe sequence longer than kMaxProbe does not happen by chance; stop rather
  // than spend quadratic time on crafted input.
  constexpr std::size_t kMaxProbe = 512;
  for (std::uint32_t i = 0; i < hashes_.size(); ++i) {
    std::size_t s = SlotOf(hashes_[i]);
    for (std::size_t probe = 0; slots_[s].index != kEmpty; ++probe) {
      if (probe > kMaxProbe) {
        valid_ = false;
        slots_.clear();
        return;
      }
      s = (s + 1) & mask_;
    }
    slots_[s] = Slot{hashes_[i], i};
  }
}

}  // namespace ticketwise::classify
