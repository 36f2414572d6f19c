#include "cli/args.h"

#include <charconv>
#include <iostream>

namespace ticketwise::cli {

Args& Args::Flag(std::string name, std::string value_name, std::string help, bool required,
                 std::optional<std::string> default_value) {
  specs_.push_back({std::move(name), std::move(value_name), std::move(help), required, false,
                    std::move(default_value)});
  return *this;
}

Args& Args::Switch(std::string name, std::string help) {
  specs_.push_back({std::move(name), "", std::move(help), false, true, std::nullopt});
  return *this;
}

std::string Args::Help() const {
  std::string out = "usage: ticketwise " + command_;
  for (const Spec& s : specs_) {
    std::string flag = "--" + s.name + (s.is_switch ? "" : " " + s.value_name);
    out += s.required ? " " + flag : " [" + flag + "]";
  }
  out += "\n\n" + summary_ + "\n\noptions:\n";
  for (const Spec& s : specs_) {
    std::string flag = "  --" + s.name + (s.is_switch ? "" : " " + s.value_name);
    if (flag.size() < 24) flag.resize(24, ' ');
    out += flag + " " + s.help;
    if (s.default_value) out += " (default: " + *s.default_value + ")";
    out += "\n";
  }
  out += "  --help                 show this help\n";
  return out;
}

Result<bool> Args::Parse(const std::vector<std::string>& argv) {
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << Help();
      return false;
    }
    if (arg.rfind("--", 0) != 0)
      return Fail(Status::InvalidArgument("unexpected argument '" + arg + "' (see ticketwise " +
                                          command_ + " --help)"));
    std::string name = arg.substr(2), value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const Spec* spec = nullptr;
    for (const Spec& s : specs_)
      if (s.name == name) spec = &s;
    if (!spec)
      return Fail(Status::InvalidArgument("unknown option --" + name + " (see ticketwise " +
                                          command_ + " --help)"));
    if (spec->is_switch) {
      if (has_value) return Fail(Status::InvalidArgument("--" + name + " takes no value"));
      switches_[name] = true;
      continue;
    }
    if (!has_value) {
      if (i + 1 >= argv.size())
        return Fail(Status::InvalidArgument("--" + name + " needs a value"));
      value = argv[++i];
    }
    values_[name] = value;
  }
  for (const Spec& s : specs_) {
    if (s.is_switch || values_.count(s.name)) continue;
    if (s.default_value) {
      values_[s.name] = *s.default_value;
    } else if (s.required) {
      return Fail(Status::InvalidArgument("missing required option --" + s.name + " " +
                                          s.value_name + " (see ticketwise " + command_ +
                                          " --help)"));
    }
  }
  return true;
}

const std::string& Args::Get(const std::string& name) const {
  static const std::string kEmpty;
  auto it = values_.find(name);
  return it == values_.end() ? kEmpty : it->second;
}

Result<double> Args::GetDouble(const std::string& name) const {
  const std::string& v = Get(name);
  double out = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || ptr != v.data() + v.size())
    return Fail(Status::InvalidArgument("--" + name + " expects a number, got '" + v + "'"));
  return out;
}

Result<std::uint64_t> Args::GetUint(const std::string& name) const {
  const std::string& v = Get(name);
  std::uint64_t out = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || ptr != v.data() + v.size())
    return Fail(Status::InvalidArgument("--" + name + " expects a whole number, got '" + v + "'"));
  return out;
}

}  // namespace ticketwise::cli
