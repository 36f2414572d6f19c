#include "server/log.h"

#include <cstdio>
#include <string>

#include "safety/redactor.h"

namespace ticketwise::server {

void LogLine(std::string_view message) {
  const std::string line = "ticketwise serve: " + safety::RedactText(message) + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace ticketwise::server
