#include "cli/output.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace ticketwise::cli {

int Usage(const Status& s) {
  std::fprintf(stderr, "ticketwise: %s\n", s.message().c_str());
  return 2;
}

int Failed(const Status& s) {
  std::fprintf(stderr, "ticketwise: error: %s\n", s.ToString().c_str());
  return 1;
}

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          *out += buf;
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

std::string JsonNumber(double v, int digits) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.*g", digits, v);
  return buf;
}

Progress::Progress(bool quiet) : enabled_(!quiet && isatty(STDERR_FILENO)) {}

void Progress::Update(std::string_view label, std::string_view stage, double fraction) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && fraction < 1.0 && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  std::fprintf(stderr, "\r\033[K%.*s: %.*s %3d%%", int(label.size()), label.data(),
               int(stage.size()), stage.data(), int(fraction * 100));
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::Done() {
  if (!enabled_ || !drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace ticketwise::cli
