// The service's log: one line on standard error per event, prefixed "ticketwise serve: ", with
// personal data redacted (safety::RedactText) so that names, addresses and secrets that reach an
// error message never reach the log. Thread-safe: a line is written with one call.
#pragma once

#include <string_view>

namespace ticketwise::server {

void LogLine(std::string_view message);

}  // namespace ticketwise::server
