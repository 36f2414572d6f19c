#include "ticketwise/label_set.h"

#include <algorithm>
#include <numeric>

namespace ticketwise {

std::uint32_t LabelSet::Add(std::string_view label) {
  std::string key(label);
  auto it = index_.find(key);
  if (it != index_.end()) return it->second;
  auto id = static_cast<std::uint32_t>(names_.size());
  names_.push_back(key);
  index_.emplace(std::move(key), id);
  return id;
}

std::optional<std::uint32_t> LabelSet::Find(std::string_view label) const {
  auto it = index_.find(std::string(label));
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

LabelSet LabelSet::Sorted(std::vector<std::uint32_t>* old_to_new) const {
  std::vector<std::uint32_t> order(names_.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [this](std::uint32_t a, std::uint32_t b) { return names_[a] < names_[b]; });
  LabelSet out;
  if (old_to_new) old_to_new->assign(names_.size(), 0);
  for (std::uint32_t old_index : order) {
    std::uint32_t new_index = out.Add(names_[old_index]);
    if (old_to_new) (*old_to_new)[old_index] = new_index;
  }
  return out;
}

}  // namespace ticketwise
