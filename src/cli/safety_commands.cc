// redact: the safety module's command-line contract (see README "Redaction").
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "safety/redactor.h"

namespace ticketwise::cli {
namespace {

using Json = nlohmann::ordered_json;

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// One JSONL line in, one JSON line out: the redaction, or an error object naming the problem.
std::string RedactLine(const std::string& line, std::size_t line_no,
                       const safety::DetectOptions& options) {
  const std::string where = "line " + std::to_string(line_no) + ": ";
  Json error = {{"id", nullptr}, {"error", ""}};
  const Json in = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (in.is_discarded()) {
    error["error"] = where + "not valid JSON (or not valid UTF-8)";
    return Dump(error);
  }
  if (!in.is_object()) {
    error["error"] = where + "expected a JSON object {\"id\":..,\"text\":..}";
    return Dump(error);
  }
  if (const auto id = in.find("id"); id != in.end()) error["id"] = *id;
  const auto text = in.find("text");
  if (text == in.end() || !text->is_string()) {
    error["error"] = where + (text == in.end() ? "missing \"text\"" : "\"text\" is not a string");
    return Dump(error);
  }
  const std::string& raw = text->get_ref<const std::string&>();
  safety::Redactor redactor(options);  // every line is its own ticket
  const safety::Redaction r = redactor.Redact(raw);
  Json out = {{"id", error["id"]}, {"redacted", r.text}, {"spans", Json::array()}};
  for (const safety::PiiSpan& s : r.spans)
    out["spans"].push_back(
        {{"type", std::string(safety::PiiTypeName(s.type))}, {"start", s.start}, {"end", s.end}});
  return Dump(out);
}

}  // namespace

int RunRedact(const std::vector<std::string>& argv) {
  Args args(
      "redact",
      "Reads text on standard input and writes it to standard output with personal data\n"
      "and secrets replaced by typed placeholders: [EMAIL_1], [PHONE_1], [CARD_1], [IBAN_1],\n"
      "[SSN_1], [NATIONAL_ID_1], [IPV4_1], [IPV6_1], [MAC_1], [URL_1], [SECRET_1],\n"
      "[PASSWORD_1], [PERSON_1]. The same value gets the same placeholder throughout.\n"
      "With --json, reads JSONL ({\"id\":..,\"text\":..} per line; each line is one ticket)\n"
      "and writes per line {\"id\":..,\"redacted\":..,\"spans\":[{\"type\":..,\"start\":..,\n"
      "\"end\":..}]} with byte offsets into the input text. A line that cannot be read\n"
      "writes {\"id\":..,\"error\":\"line N: why\"} in its place; blank lines are skipped.");
  args.Switch("json", "read and write JSON lines instead of plain text")
      .Switch("no-names", "do not look for person names");
  auto parsed = args.Parse(argv);
  if (!parsed) return Usage(parsed.error());
  if (!*parsed) return 0;
  safety::DetectOptions options;
  options.person_names = !args.On("no-names");

  std::ios::sync_with_stdio(false);
  if (!args.On("json")) {
    // Read all of standard input (one ticket, one session), then write the text between the
    // spans and the placeholders straight out.
    std::string text;
    struct stat st;
    if (fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
      text.reserve(static_cast<std::size_t>(st.st_size));
    char buf[1 << 16];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof(buf), stdin)) > 0;) text.append(buf, n);
    if (std::ferror(stdin)) return Failed(Status::IoError("reading standard input failed"));
    safety::Redactor redactor(options);
    std::size_t pos = 0;
    bool ok = true;
    for (const safety::PiiSpan& s : safety::FindPii(text, options)) {
      const std::string& placeholder =
          redactor.PlaceholderFor(s.type, std::string_view(text).substr(s.start, s.end - s.start));
      ok = ok && std::fwrite(text.data() + pos, 1, s.start - pos, stdout) == s.start - pos &&
           std::fwrite(placeholder.data(), 1, placeholder.size(), stdout) == placeholder.size();
      pos = s.end;
    }
    ok = ok && std::fwrite(text.data() + pos, 1, text.size() - pos, stdout) == text.size() - pos;
    if (!ok || std::fflush(stdout) != 0)
      return Failed(Status::IoError("writing standard output failed"));
    return 0;
  }
  std::string line, out;
  std::size_t line_no = 0, bad = 0;
  while (std::getline(std::cin, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    out = RedactLine(line, line_no, options);
    if (out.starts_with("{\"id\":") && out.find("\"error\":") != std::string::npos &&
        out.find("\"redacted\":") == std::string::npos)
      ++bad;
    out.push_back('\n');
    if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size())
      return Failed(Status::IoError("writing standard output failed"));
  }
  if (std::cin.bad()) return Failed(Status::IoError("reading standard input failed"));
  if (std::fflush(stdout) != 0) return Failed(Status::IoError("writing standard output failed"));
  if (bad > 0)
    std::fprintf(stderr, "ticketwise: %zu of %zu lines could not be read\n", bad, line_no);
  return 0;
}

}  // namespace ticketwise::cli
