#include "store/codec.h"

#include <charconv>
#include <cstdio>
#include <string>

namespace ticketwise::store {

Result<Mode> DecodeMode(std::string_view name) {
  if (auto mode = ParseMode(name)) return *mode;
  return Fail(Status::Corruption("unknown mode '" + std::string(name) + "'"));
}

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kAccepted:
      return "accepted";
    case Verdict::kCorrected:
      return "corrected";
    case Verdict::kFlagged:
      return "flagged";
  }
  return "accepted";
}

std::string_view ModelStateName(ModelState state) {
  switch (state) {
    case ModelState::kTraining:
      return "training";
    case ModelState::kReady:
      return "ready";
    case ModelState::kFailed:
      return "failed";
  }
  return "failed";
}

Result<ModelState> DecodeModelState(std::string_view name) {
  if (name == "training") return ModelState::kTraining;
  if (name == "ready") return ModelState::kReady;
  if (name == "failed") return ModelState::kFailed;
  return Fail(Status::Corruption("unknown model state '" + std::string(name) + "'"));
}

Result<Verdict> ParseVerdict(std::string_view name) {
  if (name == "accepted") return Verdict::kAccepted;
  if (name == "corrected") return Verdict::kCorrected;
  if (name == "flagged") return Verdict::kFlagged;
  return Fail(Status::Corruption("unknown verdict '" + std::string(name) + "'"));
}

Result<Visibility> DecodeVisibility(std::string_view name) {
  if (auto visibility = ParseVisibility(name)) return *visibility;
  return Fail(Status::Corruption("unknown visibility '" + std::string(name) + "'"));
}

std::string EncodeAlternatives(const std::vector<Alternative>& alternatives) {
  std::string out;
  for (const Alternative& a : alternatives) {
    for (char c : a.label) {
      switch (c) {
        case '\\':
          out += "\\\\";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\n':
          out += "\\n";
          break;
        default:
          out += c;
      }
    }
    char p[32];
    std::snprintf(p, sizeof(p), "\t%.9g\n", static_cast<double>(a.p));
    out += p;
  }
  return out;
}

Result<std::vector<Alternative>> DecodeAlternatives(std::string_view text) {
  std::vector<Alternative> out;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::size_t tab = text.find('\t');
    if (end == std::string_view::npos || tab == std::string_view::npos || tab > end) {
      return Fail(Status::Corruption("malformed alternatives column"));
    }
    Alternative a;
    const std::string_view label = text.substr(0, tab);
    for (std::size_t i = 0; i < label.size(); ++i) {
      if (label[i] != '\\') {
        a.label += label[i];
        continue;
      }
      if (++i == label.size()) return Fail(Status::Corruption("dangling escape in alternatives"));
      switch (label[i]) {
        case '\\':
          a.label += '\\';
          break;
        case 't':
          a.label += '\t';
          break;
        case 'n':
          a.label += '\n';
          break;
        default:
          return Fail(Status::Corruption("unknown escape in alternatives"));
      }
    }
    const std::string_view number = text.substr(tab + 1, end - tab - 1);
    const auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), a.p);
    if (ec != std::errc() || ptr != number.data() + number.size()) {
      return Fail(Status::Corruption("bad probability in alternatives"));
    }
    out.push_back(std::move(a));
    text.remove_prefix(end + 1);
  }
  return out;
}

std::string EncodeReasons(const std::vector<std::string>& reasons) {
  std::string out;
  for (const std::string& r : reasons) {
    for (char c : r) {
      if (c == '\\') {
        out += "\\\\";
      } else if (c == '\n') {
        out += "\\n";
      } else {
        out += c;
      }
    }
    out += '\n';
  }
  return out;
}

Result<std::vector<std::string>> DecodeReasons(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    if (end == std::string_view::npos) return Fail(Status::Corruption("malformed reasons column"));
    std::string reason;
    for (std::size_t i = 0; i < end; ++i) {
      if (text[i] != '\\') {
        reason += text[i];
        continue;
      }
      if (++i == end) return Fail(Status::Corruption("dangling escape in reasons"));
      if (text[i] == '\\') {
        reason += '\\';
      } else if (text[i] == 'n') {
        reason += '\n';
      } else {
        return Fail(Status::Corruption("unknown escape in reasons"));
      }
    }
    out.push_back(std::move(reason));
    text.remove_prefix(end + 1);
  }
  return out;
}

}  // namespace ticketwise::store
