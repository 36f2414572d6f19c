// The Porter algorithm, written from its published description (M.F. Porter, "An algorithm for
// suffix stripping", 1980). `w` is the word; `j` marks the end of the stem a rule looks at.
#include "retrieve/stemmer.h"

#include <cstddef>

namespace ticketwise::retrieve {
namespace {

class Porter {
 public:
  explicit Porter(std::string* w) : w_(*w) {}

  void Run() {
    Step1a();
    Step1b();
    Step1c();
    Step2();
    Step3();
    Step4();
    Step5();
  }

 private:
  bool Consonant(std::size_t i) const {
    switch (w_[i]) {
      case 'a':
      case 'e':
      case 'i':
      case 'o':
      case 'u':
        return false;
      case 'y':
        return i == 0 || !Consonant(i - 1);
      default:
        return true;
    }
  }

  // Number of vowel-consonant sequences in w_[0, len).
  int Measure(std::size_t len) const {
    int m = 0;
    std::size_t i = 0;
    while (i < len && Consonant(i)) ++i;
    while (i < len) {
      while (i < len && !Consonant(i)) ++i;
      if (i >= len) break;
      while (i < len && Consonant(i)) ++i;
      ++m;
    }
    return m;
  }

  bool VowelIn(std::size_t len) const {
    for (std::size_t i = 0; i < len; ++i)
      if (!Consonant(i)) return true;
    return false;
  }

  bool DoubleConsonantAt(std::size_t len) const {
    return len >= 2 && w_[len - 1] == w_[len - 2] && Consonant(len - 1);
  }

  // consonant-vowel-consonant ending at len, the last not w, x or y.
  bool Cvc(std::size_t len) const {
    if (len < 3) return false;
    if (!Consonant(len - 1) || Consonant(len - 2) || !Consonant(len - 3)) return false;
    const char c = w_[len - 1];
    return c != 'w' && c != 'x' && c != 'y';
  }

  bool Ends(std::string_view s) const { return w_.ends_with(s); }
  std::size_t StemLen(std::string_view suffix) const { return w_.size() - suffix.size(); }
  void Replace(std::string_view suffix, std::string_view with) {
    w_.resize(StemLen(suffix));
    w_ += with;
  }

  // Replaces `suffix` by `with` when the stem before it has measure > `min_m`. Returns whether the
  // suffix matched (whatever the measure), so that callers stop at the first matching rule.
  bool Rule(std::string_view suffix, std::string_view with, int min_m) {
    if (!Ends(suffix)) return false;
    if (Measure(StemLen(suffix)) > min_m) Replace(suffix, with);
    return true;
  }

  void Step1a() {
    if (Ends("sses")) {
      Replace("sses", "ss");
    } else if (Ends("ies")) {
      Replace("ies", "i");
    } else if (Ends("ss")) {
      // unchanged
    } else if (Ends("s")) {
      w_.pop_back();
    }
  }

  void Step1b() {
    if (Ends("eed")) {
      if (Measure(StemLen("eed")) > 0) w_.pop_back();
      return;
    }
    std::string_view suffix;
    if (Ends("ed")) {
      suffix = "ed";
    } else if (Ends("ing")) {
      suffix = "ing";
    } else {
      return;
    }
    if (!VowelIn(StemLen(suffix))) return;
    w_.resize(StemLen(suffix));
    if (Ends("at") || Ends("bl") || Ends("iz")) {
      w_ += 'e';
    } else if (DoubleConsonantAt(w_.size())) {
      const char c = w_.back();
      if (c != 'l' && c != 's' && c != 'z') w_.pop_back();
    } else if (Measure(w_.size()) == 1 && Cvc(w_.size())) {
      w_ += 'e';
    }
  }

  void Step1c() {
    if (Ends("y") && VowelIn(w_.size() - 1)) w_.back() = 'i';
  }

  void Step2() {
    static constexpr std::string_view kRules[][2] = {
        {"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"},   {"anci", "ance"},
        {"izer", "ize"},    {"abli", "able"},   {"alli", "al"},     {"entli", "ent"},
        {"eli", "e"},       {"ousli", "ous"},   {"ization", "ize"}, {"ation", "ate"},
        {"ator", "ate"},    {"alism", "al"},    {"iveness", "ive"}, {"fulness", "ful"},
        {"ousness", "ous"}, {"aliti", "al"},    {"iviti", "ive"},   {"biliti", "ble"},
        {"logi", "log"}};
    for (const auto& r : kRules)
      if (Rule(r[0], r[1], 0)) return;
  }

  void Step3() {
    static constexpr std::string_view kRules[][2] = {
        {"icate", "ic"}, {"ative", ""}, {"alize", "al"}, {"iciti", "ic"},
        {"ical", "ic"},  {"ful", ""},   {"ness", ""}};
    for (const auto& r : kRules)
      if (Rule(r[0], r[1], 0)) return;
  }

  void Step4() {
    static constexpr std::string_view kSuffixes[] = {
        "al",  "ance", "ence", "er",  "ic",  "able", "ible", "ant", "ement", "ment",
        "ent", "ion",  "ou",   "ism", "ate", "iti",  "ous",  "ive", "ize"};
    // Longest match first: "ement" before "ment" before "ent".
    std::string_view best;
    for (std::string_view s : kSuffixes)
      if (Ends(s) && s.size() > best.size()) best = s;
    if (best.empty()) return;
    const std::size_t stem = StemLen(best);
    if (best == "ion" && (stem == 0 || (w_[stem - 1] != 's' && w_[stem - 1] != 't'))) return;
    if (Measure(stem) > 1) w_.resize(stem);
  }

  void Step5() {
    if (Ends("e")) {
      const std::size_t stem = w_.size() - 1;
      const int m = Measure(stem);
      if (m > 1 || (m == 1 && !Cvc(stem))) w_.pop_back();
    }
    if (Ends("ll") && Measure(w_.size()) > 1) w_.pop_back();
  }

  std::string& w_;
};

}  // namespace

void StemInPlace(std::string* word) {
  if (word->size() <= 2) return;
  for (char c : *word)
    if (c < 'a' || c > 'z') return;
  Porter(word).Run();
}

}  // namespace ticketwise::retrieve
