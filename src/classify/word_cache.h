// WordCache: per vocabulary word, its idf and its precomputed contribution to every label's
// character-half margin (u_w . W, see feature_space.h). It turns the character view of a known word
// into one memory access at prediction time; words it does not hold are computed from their n-grams
// with the same result. Immutable after construction; thread-safe to read.
#pragma once

#include <cstdint>
#include <vector>

namespace ticketwise::classify {

class WordCache {
 public:
  WordCache() = default;
  // REQUIRES: hashes unique; entries.size() == hashes.size() * stride.
  WordCache(std::vector<std::uint64_t> hashes, std::vector<float> entries, std::size_t stride);

  // The entry of `hash` ([idf, contribution per label]), or nullptr.
  const float* Find(std::uint64_t hash) const {
    if (slots_.empty()) return nullptr;
    std::size_t s = SlotOf(hash);
    while (true) {
      const Slot& slot = slots_[s];
      if (slot.index == kEmpty) return nullptr;
      if (slot.hash == hash) return entries_.data() + std::size_t(slot.index) * stride_;
      s = (s + 1) & mask_;
    }
  }

  std::size_t size() const { return hashes_.size(); }
  // False when the hashes were so clustered that building the index was abandoned (a damaged or
  // hostile model file); such a cache must not be used.
  bool valid() const { return valid_; }
  std::size_t stride() const { return stride_; }
  const std::vector<std::uint64_t>& hashes() const { return hashes_; }
  const std::vector<float>& entries() const { return entries_; }

 private:
  static constexpr std::uint32_t kEmpty = 0xffffffffu;
  std::size_t SlotOf(std::uint64_t hash) const {
    hash ^= hash >> 33;
    hash *= 0xff51afd7ed558ccdull;
    hash ^= hash >> 33;
    return static_cast<std::size_t>(hash) & mask_;
  }
  struct Slot {
    std::uint64_t hash;
    std::uint32_t index;
  };
  std::vector<std::uint64_t> hashes_;
  std::vector<float> entries_;
  std::size_t stride_ = 0;
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  bool valid_ = true;
};

}  // namespace ticketwise::classify
