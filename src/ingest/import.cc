#include "ingest/import.h"

#include <cctype>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <utility>

#include "ingest/csv_reader.h"
#include "ingest/jsonl_reader.h"
#include "text/markup.h"
#include "text/utf8.h"

namespace ticketwise::ingest {
namespace {

// Enough names to recognise a typo in the NotFound message without letting a file with ever-new
// keys grow it.
constexpr std::size_t kMaxListedColumns = 64;

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kWhitespace = " \t\r\n\f\v";
  const std::size_t first = s.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return {};
  const std::size_t last = s.find_last_not_of(kWhitespace);
  return s.substr(first, last - first + 1);
}

std::string Quote(std::string_view column) {
  std::string out = "'";
  out += column;
  out += "'";
  return out;
}

std::string Count(std::size_t n, std::string_view noun) {
  std::string out = std::to_string(n) + " ";
  out += noun;
  if (n != 1) out += "s";
  return out;
}

// The readers report "line N: reason". A skip keeps N separately, so only the reason goes into its
// text.
std::string ReasonOf(const Status& status) {
  std::string_view message = status.message();
  if (message.starts_with("line ")) {
    const std::size_t colon = message.find(": ");
    if (colon != std::string_view::npos) message.remove_prefix(colon + 2);
  }
  return std::string(message);
}

// Turns a reader's "line N: reason" into "file:N: reason", the form editors and compilers use.
Status FileError(std::string_view name, const Status& status) {
  std::string_view message = status.message();
  std::string out(name);
  if (message.starts_with("line ")) {
    message.remove_prefix(5);
    out += ":";
  } else {
    out += ": ";
  }
  out += message;
  return Status(status.code(), std::move(out));
}

Status ColumnNotFound(std::string_view name, std::string_view column, std::string_view where,
                      const std::vector<std::string>& available) {
  std::string message(name);
  message += ": column " + Quote(column) + " not found";
  message += where;
  message += "; available columns: ";
  if (available.empty()) {
    message += "none";
  } else {
    for (std::size_t i = 0; i < available.size(); ++i) {
      if (i > 0) message += ", ";
      // Column names come from the file; the message must stay valid UTF-8 wherever it is shown.
      message += text::SanitizeUtf8(available[i]);
    }
  }
  return Status::NotFound(std::move(message));
}

Status ValidateOptions(const ImportOptions& options) {
  if (options.text_columns.empty()) return Status::InvalidArgument("no text column given");
  for (const std::string& column : options.text_columns) {
    if (Trim(column).empty()) return Status::InvalidArgument("empty text column name");
  }
  return Status::Ok();
}

// Applies the row rules shared by both formats and records the outcome in the dataset.
class RowCollector {
 public:
  RowCollector(std::string_view name, const ImportOptions& options) : options_(options) {
    dataset_.report.file = std::string(name);
  }

  void Skip(std::size_t line, std::string reason) {
    ImportReport& report = dataset_.report;
    ++report.rows_seen;
    ++report.rows_skipped;
    if (report.skipped.size() < options_.max_reported_skips) {
      report.skipped.push_back({line, std::move(reason)});
    }
  }

  // `texts` holds one value per text column, in the order of options.text_columns; `label` is
  // ignored unless a label column was requested.
  void Offer(std::size_t line, const std::vector<std::string_view>& texts, std::string_view label) {
    for (std::size_t i = 0; i < texts.size(); ++i) {
      if (!CheckUtf8(line, options_.text_columns[i], texts[i])) return;
    }
    const bool wants_label = !options_.label_column.empty();
    if (wants_label) {
      if (!CheckUtf8(line, options_.label_column, label)) return;
      label = Trim(label);
      if (label.empty())
        return Skip(line, "empty label in column " + Quote(Trim(options_.label_column)));
    }

    std::string joined;
    for (std::string_view value : texts) {
      std::string stripped;
      if (options_.strip_markup) {
        stripped = text::StripMarkup(value);
        value = stripped;
      }
      value = Trim(value);
      if (value.empty()) continue;
      if (!joined.empty()) joined += '\n';
      joined += value;
    }
    if (joined.empty()) return Skip(line, "empty text");

    ++dataset_.report.rows_seen;
    ++dataset_.report.rows_accepted;
    dataset_.rows.push_back(
        {std::move(joined), wants_label ? std::string(label) : std::string(), line});
  }

  const ImportReport& report() const { return dataset_.report; }
  Dataset Finish() { return std::move(dataset_); }

 private:
  bool CheckUtf8(std::size_t line, std::string_view column, std::string_view value) {
    const std::size_t bad = text::FindInvalidUtf8(value);
    if (bad == std::string_view::npos) return true;
    Skip(line,
         "invalid UTF-8 in column " + Quote(Trim(column)) + " at byte " + std::to_string(bad));
    return false;
  }

  const ImportOptions& options_;
  Dataset dataset_;
};

Result<std::size_t> FindColumn(std::string_view name, const std::vector<std::string>& header,
                               std::string_view column) {
  const std::string_view wanted = Trim(column);
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == wanted) return i;
  }
  return Fail(ColumnNotFound(name, wanted, " in the header", header));
}

Result<Dataset> ImportCsv(std::istream& in, std::string_view name, const ImportOptions& options) {
  CsvReader reader(in);
  CsvRecord record;
  Result<bool> has_header = reader.Next(&record);
  if (!has_header) return Fail(FileError(name, has_header.error()));

  std::vector<std::string> header;
  header.reserve(record.fields.size());
  for (const std::string& field : record.fields) header.emplace_back(Trim(field));
  if (!*has_header) {
    return Fail(
        ColumnNotFound(name, Trim(options.text_columns.front()), " (the file is empty)", header));
  }

  std::vector<std::size_t> text_index;
  for (const std::string& column : options.text_columns) {
    Result<std::size_t> index = FindColumn(name, header, column);
    if (!index) return Fail(index.error());
    text_index.push_back(*index);
  }
  std::optional<std::size_t> label_index;
  if (!options.label_column.empty()) {
    Result<std::size_t> index = FindColumn(name, header, options.label_column);
    if (!index) return Fail(index.error());
    label_index = *index;
  }

  RowCollector rows(name, options);
  std::vector<std::string_view> texts(text_index.size());
  for (;;) {
    Result<bool> more = reader.Next(&record);
    if (!more) {
      if (reader.at_end()) return Fail(FileError(name, more.error()));
      rows.Skip(record.line, ReasonOf(more.error()));
      continue;
    }
    if (!*more) break;
    if (record.fields.size() != header.size()) {
      rows.Skip(record.line, "expected " + Count(header.size(), "field") + ", found " +
                                 std::to_string(record.fields.size()));
      continue;
    }
    for (std::size_t i = 0; i < text_index.size(); ++i) texts[i] = record.fields[text_index[i]];
    const std::string_view label = label_index ? std::string_view(record.fields[*label_index]) : "";
    rows.Offer(record.line, texts, label);
  }
  return rows.Finish();
}

// The value of `column` for an accepted row, or the reason the row is skipped.
std::optional<std::string> ColumnProblem(const JsonlRecord& record, std::string_view column,
                                         bool is_label, std::string_view* value) {
  const auto it = record.members.find(column);
  if (it == record.members.end() || it->second.kind == JsonKind::kNull) {
    if (is_label) return "empty label in column " + Quote(column);
    // A ticket without, say, a description is still a ticket: an absent text column reads as empty,
    // as an empty CSV cell does. A row whose text columns are all empty is skipped later for "empty
    // text".
    *value = {};
    return std::nullopt;
  }
  const JsonKind kind = it->second.kind;
  if (kind == JsonKind::kArray || kind == JsonKind::kObject) {
    return "column " + Quote(column) + " holds an " + std::string(JsonKindName(kind)) +
           ", not text";
  }
  *value = it->second.text;
  return std::nullopt;
}

Result<Dataset> ImportJsonl(std::istream& in, std::string_view name, const ImportOptions& options) {
  std::vector<std::string> wanted;
  for (const std::string& column : options.text_columns) wanted.emplace_back(Trim(column));
  const std::string label_column(Trim(options.label_column));
  if (!label_column.empty()) wanted.push_back(label_column);
  std::vector<bool> seen(wanted.size(), false);
  std::set<std::string, std::less<>> available;

  // Lines that are not JSON objects may be why a column is never seen, so the NotFound message
  // mentions them.
  std::size_t unreadable_lines = 0;
  std::string first_unreadable;

  JsonlReader reader(in);
  JsonlRecord record;
  RowCollector rows(name, options);
  std::vector<std::string_view> texts(options.text_columns.size());
  for (;;) {
    Result<bool> more = reader.Next(&record);
    if (!more) {
      if (unreadable_lines++ == 0) {
        first_unreadable = "line " + std::to_string(record.line) + ": " + ReasonOf(more.error());
      }
      rows.Skip(record.line, ReasonOf(more.error()));
      continue;
    }
    if (!*more) break;
    for (const auto& [member, value] : record.members) {
      if (available.size() >= kMaxListedColumns) break;
      available.insert(member);
    }
    for (std::size_t i = 0; i < wanted.size(); ++i) {
      if (!seen[i] && record.members.contains(wanted[i])) seen[i] = true;
    }

    std::optional<std::string> problem;
    for (std::size_t i = 0; i < texts.size() && !problem; ++i) {
      problem = ColumnProblem(record, wanted[i], false, &texts[i]);
    }
    std::string_view label;
    if (!problem && !label_column.empty()) {
      problem = ColumnProblem(record, label_column, true, &label);
    }
    if (problem) {
      rows.Skip(record.line, std::move(*problem));
      continue;
    }
    rows.Offer(record.line, texts, label);
  }

  for (std::size_t i = 0; i < wanted.size(); ++i) {
    if (seen[i]) continue;
    std::string where = " in any row";
    if (rows.report().rows_seen == 0) where += " (the file has no rows)";
    if (unreadable_lines > 0) {
      where +=
          " (" + Count(unreadable_lines, "line") + " could not be read; " + first_unreadable + ")";
    }
    return Fail(ColumnNotFound(name, wanted[i], where,
                               std::vector<std::string>(available.begin(), available.end())));
  }
  return rows.Finish();
}

}  // namespace

Result<FileFormat> FormatFromPath(std::string_view path) {
  std::string_view file = path;
  if (const std::size_t slash = file.find_last_of('/'); slash != std::string_view::npos) {
    file.remove_prefix(slash + 1);
  }
  const std::size_t dot = file.find_last_of('.');
  std::string extension;
  if (dot != std::string_view::npos) {
    for (char c : file.substr(dot + 1)) {
      extension += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  if (extension == "csv") return FileFormat::kCsv;
  if (extension == "jsonl" || extension == "ndjson" || extension == "json")
    return FileFormat::kJsonl;

  std::string message(path);
  message += dot == std::string_view::npos ? ": no file extension"
                                           : ": unknown file extension " + Quote(file.substr(dot));
  message += "; expected .csv, .jsonl, .ndjson or .json";
  return Fail(Status::InvalidArgument(std::move(message)));
}

Result<Dataset> ImportStream(std::istream& in, FileFormat format, std::string_view name,
                             const ImportOptions& options) {
  if (Status valid = ValidateOptions(options); !valid.ok()) return Fail(valid.WithContext(name));
  switch (format) {
    case FileFormat::kCsv:
      return ImportCsv(in, name, options);
    case FileFormat::kJsonl:
      return ImportJsonl(in, name, options);
  }
  return Fail(Status::InvalidArgument(std::string(name) + ": unknown file format"));
}

Result<Dataset> ImportFile(const std::string& path, const ImportOptions& options) {
  Result<FileFormat> format = FormatFromPath(path);
  if (!format) return Fail(format.error());

  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(path, error);
  if (status.type() == std::filesystem::file_type::not_found) {
    return Fail(Status::NotFound(path + ": no such file"));
  }
  if (error) return Fail(Status::IoError(path + ": " + error.message()));
  if (std::filesystem::is_directory(status))
    return Fail(Status::IoError(path + ": is a directory"));

  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    const int saved = errno;
    return Fail(Status::IoError(
        path + ": cannot open: " + std::error_code(saved, std::generic_category()).message()));
  }
  return ImportStream(in, *format, path, options);
}

std::string ImportReport::Summary() const {
  std::string out;
  for (const SkippedRow& row : skipped) {
    out += file + ":" + std::to_string(row.line) + ": skipped: " + row.reason + "\n";
  }
  out += file + ": " + Count(rows_seen, "row") + " read, " + std::to_string(rows_accepted) +
         " accepted, " + std::to_string(rows_skipped) + " skipped";
  if (rows_skipped > skipped.size()) {
    out += " (" + std::to_string(rows_skipped - skipped.size()) + " not listed)";
  }
  out += "\n";
  return out;
}

Result<std::vector<std::string>> ParseColumnList(std::string_view cols) {
  if (Trim(cols).empty()) return Fail(Status::InvalidArgument("no column names given"));
  const std::string_view original = cols;
  std::vector<std::string> names;
  for (;;) {
    const std::size_t comma = cols.find(',');
    const std::string_view name = Trim(cols.substr(0, comma));
    if (name.empty()) {
      return Fail(Status::InvalidArgument("empty column name in " + Quote(original)));
    }
    names.emplace_back(name);
    if (comma == std::string_view::npos) break;
    cols.remove_prefix(comma + 1);
  }
  return names;
}

}  // namespace ticketwise::ingest
