// Output helpers for the CLI: JSON string escaping and number formatting for machine-readable
// lines, and a progress line that is drawn only when standard error is a terminal.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "ticketwise/status.h"

namespace ticketwise::cli {

// Print the message of a command-line mistake and return exit code 2.
int Usage(const Status& s);
// Print a failed operation's status and return exit code 1.
int Failed(const Status& s);

// Appends `s` as a JSON string literal (quotes included). `s` must be valid UTF-8.
void AppendJsonString(std::string* out, std::string_view s);

// Shortest round-trip text of `v` with at most `digits` significant digits; JSON has no NaN or
// infinity, so those become null.
std::string JsonNumber(double v, int digits = 6);

class Progress {
 public:
  explicit Progress(bool quiet);
  // Redraws "label: stage 42%" at most every 100 ms; no output unless stderr is a terminal.
  void Update(std::string_view label, std::string_view stage, double fraction);
  // Clears the progress line.
  void Done();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace ticketwise::cli
