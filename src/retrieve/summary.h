// Thread summary: an extractive, deterministic summary of a long ticket thread in a few sentences:
// the problem (from the first message), what was tried (sentences with an action such as
// "restarted", "reinstalled", "cleared"), and where it stands (from the last messages). Sentences
// are picked, never rewritten, by how central they are to the thread (cosine to the thread's
// tf-idf centroid over analyzed terms, analyzer.h); greetings and sign-offs are skipped. The same
// thread always gives the same summary. Needs no model or external service. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace ticketwise::retrieve {

struct ThreadMessage {
  std::string author;  // informational
  std::string text;    // plain text: markup already stripped
};

struct SummaryOptions {
  std::size_t max_tried = 2;             // "what was tried" sentences at most
  std::size_t max_sentence_bytes = 300;  // longer sentences are cut at a word boundary with "..."
};

struct ThreadSummary {
  std::string problem;             // empty for an empty thread
  std::vector<std::string> tried;  // in thread order
  std::string status;              // empty when the thread has a single message

  // "Problem: ... Tried: ... Status: ..." in one paragraph.
  std::string Text() const;
};

ThreadSummary SummarizeThread(std::span<const ThreadMessage> thread,
                              const SummaryOptions& options = {});

}  // namespace ticketwise::retrieve
