// A small command-line flag parser for the `ticketwise` subcommands: `--name value`, `--name=value`
// and boolean
// `--name`. Every subcommand declares its flags, gets --help for free, and reports unknown or
// missing flags with a message that names them. Not thread-safe; one parser per command.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ticketwise/status.h"

namespace ticketwise::cli {

class Args {
 public:
  Args(std::string command, std::string summary)
      : command_(std::move(command)), summary_(std::move(summary)) {}

  // Declares a flag taking a value. Required flags have no default.
  Args& Flag(std::string name, std::string value_name, std::string help, bool required = false,
             std::optional<std::string> default_value = std::nullopt);
  // Declares a boolean switch.
  Args& Switch(std::string name, std::string help);

  // Parses argv (without the program and command names). Returns false when --help was given (help
  // is printed).
  Result<bool> Parse(const std::vector<std::string>& argv);

  std::string Help() const;
  const std::string& Get(
      const std::string& name) const;  // REQUIRES: declared with a value or a default
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  bool On(const std::string& name) const { return switches_.count(name) > 0; }
  Result<double> GetDouble(const std::string& name) const;
  Result<std::uint64_t> GetUint(const std::string& name) const;

 private:
  struct Spec {
    std::string name, value_name, help;
    bool required = false, is_switch = false;
    std::optional<std::string> default_value;
  };
  std::string command_, summary_;
  std::vector<Spec> specs_;
  std::map<std::string, std::string> values_;
  std::map<std::string, bool> switches_;
};

}  // namespace ticketwise::cli
