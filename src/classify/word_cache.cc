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
  for (std::uint32_t i = 0; i < hashes_.size(); ++i) {
    std::size_t s = static_cast<std::size_t>(hashes_[i] >> 17) & mask_;
    while (slots_[s].index != kEmpty) s = (s + 1) & mask_;
    slots_[s] = Slot{hashes_[i], i};
  }
}

}  // namespace ticketwise::classify
