// Reads the connector fixtures under tests/connect/fixtures (sources in SOURCES.md there).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace ticketwise::connect::testing {

inline std::string FixturePath(const std::string& relative) {
  return std::string(TW_SOURCE_DIR) + "/tests/connect/fixtures/" + relative;
}

inline std::string ReadFixture(const std::string& relative) {
  std::ifstream in(FixturePath(relative), std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace ticketwise::connect::testing
