#include "retrieve/summary.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string_view>

#include "retrieve/analyzer.h"
#include "text/utf8.h"

namespace ticketwise::retrieve {
namespace {

struct Sentence {
  std::size_t message = 0;
  std::string text;
  std::vector<std::string> terms;
  double centrality = 0;
};

// Stems (analyzer.h) of words that report an action taken.
const std::set<std::string, std::less<>> kActionStems = {
    "tri",    "restart", "reinstal", "clear",   "reset",  "check",   "updat",  "upgrad",
    "replac", "ran",     "reboot",   "disabl",  "enabl",  "remov",   "chang",  "appli",
    "instal", "test",    "rebuilt",  "rebuild", "verifi", "recreat", "repair", "roll"};
// Stems of words that tell where a ticket stands.
const std::set<std::string, std::less<>> kStatusStems = {
    "resolv",  "fix",    "work",    "wait",    "pend",  "escal", "still",   "close",
    "schedul", "assign", "monitor", "confirm", "await", "solv",  "persist", "reopen"};

bool IsPleasantry(std::string_view s) {
  std::string lower;
  for (char c : s.substr(0, 20))
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view p : {"hi", "hello", "dear", "thanks", "thank you", "regards", "best",
                             "cheers", "kind regards", "good morning", "sincerely"})
    if (lower.starts_with(p) && s.size() < 40) return true;
  return false;
}

void SplitSentences(std::size_t message, std::string_view text, std::vector<Sentence>* out) {
  std::size_t start = 0;
  auto emit = [&](std::size_t end) {
    std::string_view s = text.substr(start, end - start);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    if (!s.empty() && !IsPleasantry(s)) {
      Sentence sent;
      sent.message = message;
      sent.text = std::string(s);
      sent.terms = Analyze(s);
      if (sent.terms.size() >= 2) out->push_back(std::move(sent));
    }
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool end_mark = (c == '.' || c == '!' || c == '?') &&
                          (i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\n');
    if (end_mark || c == '\n') {
      emit(i + 1);
      start = i + 1;
    }
  }
  if (start < text.size()) emit(text.size());
}

std::string Cut(const std::string& s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t cut = s.rfind(' ', max);
  if (cut == std::string::npos || cut < max / 2) cut = max;
  std::string out = s.substr(0, cut);
  // Do not leave half a UTF-8 sequence behind.
  while (!out.empty() && !text::IsValidUtf8(out)) out.pop_back();
  return out + "...";
}

bool HasAny(const Sentence& s, const std::set<std::string, std::less<>>& stems) {
  for (const std::string& t : s.terms)
    if (stems.contains(t)) return true;
  return false;
}

// Index of the most central sentence among those `pick` accepts; ties go to the earliest.
template <class Pick>
std::size_t Best(const std::vector<Sentence>& sentences, Pick pick) {
  std::size_t best = sentences.size();
  for (std::size_t i = 0; i < sentences.size(); ++i)
    if (pick(sentences[i]) &&
        (best == sentences.size() || sentences[i].centrality > sentences[best].centrality))
      best = i;
  return best;
}

}  // namespace

std::string ThreadSummary::Text() const {
  std::string out;
  if (!problem.empty()) out += "Problem: " + problem;
  if (!tried.empty()) {
    out += out.empty() ? "Tried: " : " Tried: ";
    for (std::size_t i = 0; i < tried.size(); ++i) out += (i ? " " : "") + tried[i];
  }
  if (!status.empty()) out += (out.empty() ? "Status: " : " Status: ") + status;
  return out;
}

ThreadSummary SummarizeThread(std::span<const ThreadMessage> thread,
                              const SummaryOptions& options) {
  ThreadSummary summary;
  std::vector<Sentence> sentences;
  for (std::size_t m = 0; m < thread.size(); ++m)
    SplitSentences(m, text::SanitizeUtf8(thread[m].text), &sentences);
  if (sentences.empty()) return summary;

  // tf-idf over the thread's sentences, and each sentence's cosine to the centroid.
  std::map<std::string, double> df;
  for (const Sentence& s : sentences)
    for (const std::string& t : std::set<std::string>(s.terms.begin(), s.terms.end())) ++df[t];
  const double n = static_cast<double>(sentences.size());
  std::map<std::string, double> centroid;
  std::vector<std::map<std::string, double>> vectors(sentences.size());
  for (std::size_t i = 0; i < sentences.size(); ++i) {
    for (const std::string& t : sentences[i].terms) vectors[i][t] += std::log(1.0 + n / df[t]);
    double norm = 0;
    for (const auto& [t, w] : vectors[i]) norm += w * w;
    norm = std::sqrt(norm);
    for (auto& [t, w] : vectors[i]) {
      w /= norm;
      centroid[t] += w;
    }
  }
  for (std::size_t i = 0; i < sentences.size(); ++i) {
    double dot = 0;
    for (const auto& [t, w] : vectors[i]) dot += w * centroid[t];
    sentences[i].centrality = dot;
  }

  const std::size_t first_message = sentences.front().message;
  const std::size_t last_message = sentences.back().message;
  const std::size_t problem =
      Best(sentences, [&](const Sentence& s) { return s.message == first_message; });
  summary.problem = Cut(sentences[problem].text, options.max_sentence_bytes);

  std::vector<std::size_t> tried;
  for (std::size_t i = 0; i < sentences.size(); ++i)
    if (i != problem && sentences[i].message != last_message && HasAny(sentences[i], kActionStems))
      tried.push_back(i);
  std::stable_sort(tried.begin(), tried.end(), [&](std::size_t a, std::size_t b) {
    return sentences[a].centrality > sentences[b].centrality;
  });
  if (tried.size() > options.max_tried) tried.resize(options.max_tried);
  std::sort(tried.begin(), tried.end());
  for (std::size_t i : tried)
    summary.tried.push_back(Cut(sentences[i].text, options.max_sentence_bytes));

  if (last_message != first_message) {
    std::size_t status = Best(sentences, [&](const Sentence& s) {
      return s.message == last_message && HasAny(s, kStatusStems);
    });
    if (status == sentences.size())
      status = Best(sentences, [&](const Sentence& s) { return s.message == last_message; });
    summary.status = Cut(sentences[status].text, options.max_sentence_bytes);
  }
  return summary;
}

}  // namespace ticketwise::retrieve
