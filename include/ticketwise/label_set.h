// LabelSet: the closed set of labels a model can output, with a dense index per label.
//
// Labels are kept in the order they were first added, so a model trained twice on the same data has
// the same label order. A LabelSet is a value; it is not thread-safe to mutate while others read
// it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ticketwise {

class LabelSet {
 public:
  LabelSet() = default;

  // Returns the index of `label`, adding it if new.
  std::uint32_t Add(std::string_view label);

  // The index of `label`, or nullopt when it is not in the set.
  std::optional<std::uint32_t> Find(std::string_view label) const;

  // REQUIRES: index < size().
  const std::string& Name(std::uint32_t index) const { return names_[index]; }

  std::uint32_t size() const { return static_cast<std::uint32_t>(names_.size()); }
  bool empty() const { return names_.empty(); }
  const std::vector<std::string>& names() const { return names_; }

  // Returns a set with the same labels sorted by name, and fills `old_to_new` with the index
  // mapping.
  LabelSet Sorted(std::vector<std::uint32_t>* old_to_new) const;

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string, std::uint32_t> index_;
};

}  // namespace ticketwise
