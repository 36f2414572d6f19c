#include "connect/adf.h"

#include <string_view>

#include "connect/adf_internal.h"
#include "connect/event.h"
#include "connect/timestamp.h"

namespace ticketwise::connect {
namespace internal {
namespace {

bool IsBlock(std::string_view type) {
  static constexpr std::string_view kBlocks[] = {
      "paragraph",    "heading",      "blockquote",   "codeBlock",   "bulletList",
      "orderedList",  "listItem",     "table",        "tableRow",    "panel",
      "rule",         "expand",       "nestedExpand", "mediaSingle", "mediaGroup",
      "decisionList", "decisionItem", "taskList",     "taskItem",    "layoutSection",
      "layoutColumn", "blockCard",    "embedCard",    "extension",   "bodiedExtension"};
  for (const std::string_view block : kBlocks)
    if (type == block) return true;
  return false;
}

// The text being written, and what the enclosing nodes ask of the next line.
struct Writer {
  std::string text;
  std::size_t list_depth = 0;   // inside a list, paragraphs are not followed by a blank line
  bool bullet_pending = false;  // the next line starts a list item
};

void StartLine(Writer* out) {
  if (!out->text.empty() && out->text.back() != '\n') out->text += '\n';
  if (out->bullet_pending) {
    out->text += "- ";
    out->bullet_pending = false;
  }
}

std::string AttrText(const Json& node, std::string_view key) {
  return ScalarText(Member(Member(&node, "attrs"), key));
}

void Walk(const Json& node, std::size_t depth, Writer* out);

void WalkChildren(const Json& node, std::size_t depth, Writer* out) {
  const Json* content = Member(node, "content");
  if (content == nullptr || !content->is_array()) return;
  for (const Json& child : *content) Walk(child, depth + 1, out);
}

// A table cell's text on one line.
std::string CellText(const Json& cell, std::size_t depth) {
  Writer cell_writer;
  WalkChildren(cell, depth, &cell_writer);
  std::string flat;
  for (const char c : cell_writer.text) {
    if (c == '\n') {
      if (!flat.empty() && flat.back() != ' ') flat += ' ';
    } else {
      flat += c;
    }
  }
  while (!flat.empty() && flat.back() == ' ') flat.pop_back();
  return flat;
}

// Inline content: appended to the current line (which a pending bullet starts).
void Inline(Writer* out, std::string_view text) {
  if (text.empty()) return;
  if (out->bullet_pending) StartLine(out);
  out->text += text;
}

void Walk(const Json& node, std::size_t depth, Writer* out) {
  if (depth > kMaxAdfDepth || !node.is_object()) return;
  const std::string type = ScalarText(Member(node, "type"));
  if (type == "text") return Inline(out, ScalarText(Member(node, "text")));
  if (type == "hardBreak") {
    out->text += '\n';
    return;
  }
  if (type == "mention" || type == "status") return Inline(out, AttrText(node, "text"));
  if (type == "emoji") {
    const std::string text = AttrText(node, "text");
    return Inline(out, text.empty() ? AttrText(node, "shortName") : text);
  }
  if (type == "date") {
    const std::string stamp = AttrText(node, "timestamp");
    std::int64_t ms = 0;
    bool digits = !stamp.empty() && stamp.size() < 18;
    for (const char c : stamp) {
      if (c < '0' || c > '9') digits = false;
      if (digits) ms = ms * 10 + (c - '0');
    }
    if (digits) Inline(out, FormatUtc(ms).substr(0, 10));
    return;
  }
  if (type == "inlineCard") return Inline(out, AttrText(node, "url"));
  if (type == "blockCard" || type == "embedCard") {
    StartLine(out);
    out->text += AttrText(node, "url");
    out->text += '\n';
    return;
  }
  if (type == "media" || type == "mediaInline" || type == "placeholder") return;
  if (type == "tableRow") {
    StartLine(out);
    const Json* cells = Member(node, "content");
    bool first = true;
    if (cells != nullptr && cells->is_array()) {
      for (const Json& cell : *cells) {
        if (!first) out->text += " | ";
        first = false;
        out->text += CellText(cell, depth + 1);
      }
    }
    out->text += '\n';
    return;
  }
  if (type == "rule") {
    StartLine(out);
    return;
  }
  const bool list =
      type == "bulletList" || type == "orderedList" || type == "taskList" || type == "decisionList";
  const bool item = type == "listItem" || type == "taskItem" || type == "decisionItem";
  if (IsBlock(type) && !item) StartLine(out);
  if (item) {
    if (!out->text.empty() && out->text.back() != '\n') out->text += '\n';
    out->bullet_pending = true;
  }
  if (list) ++out->list_depth;
  WalkChildren(node, depth, out);
  if (list) --out->list_depth;
  out->bullet_pending = false;
  if (IsBlock(type)) {
    if (!out->text.empty() && out->text.back() != '\n') out->text += '\n';
  }
  // Blocks outside lists are separated by a blank line.
  const bool spaced = type == "paragraph" || type == "heading" || type == "codeBlock" ||
                      type == "blockquote" || type == "panel" || type == "table" || list;
  if (spaced && (out->list_depth == 0)) out->text += '\n';
}

// Trims each line's trailing spaces, collapses runs of blank lines to one and trims the ends.
std::string Tidy(std::string_view text) {
  std::string out;
  std::size_t blank_run = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
      line.remove_suffix(1);
    if (line.empty()) {
      ++blank_run;
    } else {
      if (!out.empty()) out += blank_run > 0 ? "\n\n" : "\n";
      out += line;
      blank_run = 0;
    }
    start = end + 1;
  }
  return out;
}

}  // namespace

bool IsAdfNode(const Json& node) {
  const Json* type = Member(node, "type");
  return type != nullptr && type->is_string();
}

std::string AdfNodeToText(const Json& node) {
  Writer writer;
  Walk(node, 0, &writer);
  return Tidy(writer.text);
}

}  // namespace internal

Result<std::string> AdfToText(std::string_view json) {
  Result<internal::Json> parsed = internal::ParseJsonObject(json, "ADF document", kMaxPayloadBytes);
  if (!parsed) return Fail(parsed.error());
  if (!internal::IsAdfNode(*parsed)) {
    return Fail(Status::InvalidArgument("ADF document has no string field 'type'"));
  }
  return internal::AdfNodeToText(*parsed);
}

}  // namespace ticketwise::connect
