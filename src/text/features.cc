#include "text/features.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "text/normalize.h"
#include "text/tokenize.h"

namespace ticketwise::text {
namespace {

constexpr std::uint64_t kFnvOffset = 1469598103934665603ull;
constexpr std::uint64_t kFnvPrime = 1099511628211ull;
constexpr std::uint64_t kWordSeed = 0x77a3c1e5d9b24f61ull;
constexpr std::uint64_t kCharSeed = 0x3c6ef372fe94f82bull;
// Character n-grams of very long tokens (base64 blobs, hashes) add noise and cost; only their start
// counts.
constexpr std::size_t kMaxCharNgramCodePoints = 40;

// Final avalanche (splitmix64) so that the low bits used as bucket ids depend on every input byte.
inline std::uint64_t Mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

inline std::uint64_t HashBytes(std::string_view s, std::uint64_t seed) {
  std::uint64_t h = kFnvOffset ^ seed;
  for (unsigned char c : s) {
    h ^= c;
    h *= kFnvPrime;
  }
  return Mix(h);
}

inline std::size_t CodePointLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xe) return 3;
  if ((lead >> 3) == 0x1e) return 4;
  return 1;
}

// Counts duplicate ids with an open-addressing table sized to the input; the first occurrence fixes
// the order, which keeps extraction deterministic without a sort. Appends (id, count) pairs to
// `ids`/`values`.
void CountUnique(const std::vector<std::uint32_t>& raw, FeatureScratch* scratch,
                 std::vector<std::uint32_t>* ids, std::vector<float>* values) {
  std::size_t cap = 64;
  while (cap < raw.size() * 2) cap <<= 1;
  if (scratch->table.size() < cap) {
    scratch->table.resize(cap);
    scratch->slot_pos.resize(cap);
  }
  std::fill_n(scratch->table.begin(), cap, 0u);
  const std::size_t slot_mask = cap - 1;
  for (std::size_t r = 0; r < raw.size(); ++r) {
    const std::uint32_t id = raw[r];
    std::size_t slot = (id * 0x9e3779b1u) & slot_mask;
    while (true) {
      const std::uint32_t key = scratch->table[slot];
      if (key == 0) {
        scratch->table[slot] = id + 1;
        scratch->slot_pos[slot] = static_cast<std::uint32_t>(ids->size());
        ids->push_back(id);
        values->push_back(1.0f);
        break;
      }
      if (key == id + 1) {
        (*values)[scratch->slot_pos[slot]] += 1.0f;
        break;
      }
      slot = (slot + 1) & slot_mask;
    }
  }
}

}  // namespace

FeatureExtractor::FeatureExtractor(FeatureOptions options)
    : options_(options), mask_((1u << options.hash_bits) - 1) {}

void FeatureExtractor::Extract(std::string_view text, FeatureScratch* scratch,
                               SparseVector* out) const {
  out->clear();
  NormalizeInto(text, &scratch->normalized);
  Tokenize(scratch->normalized, &scratch->tokens);
  const std::vector<std::string_view>& tokens = scratch->tokens;
  std::vector<std::uint64_t>& h = scratch->word_hashes;
  h.resize(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) h[i] = HashBytes(tokens[i], kWordSeed);

  // Words first, then word n-grams: the first distinct ids are then exactly the distinct words, in
  // order. An n-gram whose id collides with a word's merges with it, as hashing intends.
  std::vector<std::uint32_t>& raw = scratch->raw;
  raw.clear();
  for (std::size_t i = 0; i < tokens.size(); ++i)
    raw.push_back(static_cast<std::uint32_t>(h[i]) & mask_);
  if (options_.word_ngrams >= 2) {
    for (std::size_t i = 1; i < tokens.size(); ++i)
      raw.push_back(static_cast<std::uint32_t>(Mix(h[i - 1] * 0x9e3779b97f4a7c15ull + h[i])) &
                    mask_);
  }
  if (options_.word_ngrams >= 3) {
    for (std::size_t i = 2; i < tokens.size(); ++i)
      raw.push_back(
          static_cast<std::uint32_t>(
              Mix((h[i - 2] * 0x9e3779b97f4a7c15ull + h[i - 1]) * 0xc2b2ae3d27d4eb4full + h[i])) &
          mask_);
  }
  CountUnique(raw, scratch, &out->ids, &out->values);
  for (float& v : out->values) v = v > 1.0f ? 1.0f + std::log(v) : 1.0f;

  // The distinct words, each with the first token that produced it.
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::size_t next = out->words.size();
    if (next < out->ids.size() && (static_cast<std::uint32_t>(h[i]) & mask_) == out->ids[next]) {
      out->words.push_back(WordRef{h[i], out->ids[next], out->values[next], tokens[i]});
    }
  }
}

void FeatureExtractor::CharNgrams(std::string_view token, std::vector<std::uint32_t>* ids) const {
  ids->clear();
  if (options_.char_max == 0) return;
  const std::uint32_t offset = mask_ + 1;
  // Code point start offsets of "<token>" with its boundary marks.
  std::size_t starts[kMaxCharNgramCodePoints + 3];
  char bounded[kMaxCharNgramCodePoints * 4 + 2];
  std::size_t n_cp = 0, len = 0;
  bounded[len] = '<';
  starts[n_cp++] = len++;
  for (std::size_t i = 0; i < token.size() && n_cp <= kMaxCharNgramCodePoints;) {
    const std::size_t cl =
        std::min(CodePointLength(static_cast<unsigned char>(token[i])), token.size() - i);
    starts[n_cp++] = len;
    std::memcpy(bounded + len, token.data() + i, cl);
    len += cl;
    i += cl;
  }
  starts[n_cp++] = len;
  bounded[len++] = '>';
  starts[n_cp] = len;  // sentinel: end of the last code point
  for (std::size_t i = 0; i < n_cp; ++i) {
    std::uint64_t hv = kFnvOffset ^ kCharSeed;
    for (std::size_t n = 1; n <= options_.char_max && i + n <= n_cp; ++n) {
      for (std::size_t b = starts[i + n - 1]; b < starts[i + n]; ++b) {
        hv ^= static_cast<unsigned char>(bounded[b]);
        hv *= kFnvPrime;
      }
      if (n >= options_.char_min)
        ids->push_back(offset + (static_cast<std::uint32_t>(Mix(hv)) & mask_));
    }
  }
  std::sort(ids->begin(), ids->end());
  ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
}

}  // namespace ticketwise::text
