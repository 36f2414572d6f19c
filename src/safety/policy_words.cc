// The word lists behind the outbound policy's tone checks, in English, German, French and
// Spanish. Phrases match whole words, case-insensitively (ASCII letters folded, accents kept).
#include "safety/policy_words.h"

namespace ticketwise::safety::internal {
namespace {

constexpr std::string_view kInternal[] = {
    "[internal]",      "internal note", "internal only",    "for internal use", "do not forward",
    "do not share",    "confidence",    "confidence score", "probability",      "classifier",
    "the model",       "model version", "language model",   "as an ai",         "ai model",
    "abstain",         "ticketwise",    "prompt",           "interne notiz",    "nur intern",
    "intern:",         "note interne",  "usage interne",    "nota interna",     "uso interno",
    "solo uso interno"};

constexpr std::string_view kBlame[] = {"your fault",
                                       "you should have",
                                       "you failed to",
                                       "user error",
                                       "you broke",
                                       "because you",
                                       "as you were told",
                                       "you were supposed to",
                                       "your mistake",
                                       "ihr fehler",
                                       "ihre schuld",
                                       "sie h\xc3\xa4tten",
                                       "selbst schuld",
                                       "anwenderfehler",
                                       "bedienfehler",
                                       "votre faute",
                                       "vous auriez d\xc3\xbb",
                                       "erreur de votre part",
                                       "su culpa",
                                       "culpa suya",
                                       "usted deber\xc3\xad"
                                       "a haber",
                                       "error suyo",
                                       "culpa del usuario"};

constexpr std::string_view kSpeculation[] = {"probably",       "maybe",
                                             "might be",       "we think",
                                             "i guess",        "perhaps",
                                             "possibly",       "it seems",
                                             "not sure",       "i believe",
                                             "presumably",     "vielleicht",
                                             "wahrscheinlich", "vermutlich",
                                             "eventuell",      "m\xc3\xb6glicherweise",
                                             "ich glaube",     "peut-\xc3\xaatre",
                                             "probablement",   "sans doute",
                                             "il semble",      "je pense",
                                             "quiz\xc3\xa1s",  "quiz\xc3\xa1",
                                             "tal vez",        "probablemente",
                                             "a lo mejor",     "creo que"};

constexpr std::string_view kDismissive[] = {"just restart",
                                            "simply restart",
                                            "obviously",
                                            "as already explained",
                                            "as i said",
                                            "read the manual",
                                            "rtfm",
                                            "not our problem",
                                            "nothing we can do",
                                            "calm down",
                                            "per my last email",
                                            "clearly you",
                                            "einfach neu starten",
                                            "wie bereits erkl\xc3\xa4rt",
                                            "offensichtlich",
                                            "nicht unser problem",
                                            "lesen sie die anleitung",
                                            "comme d\xc3\xa9j\xc3\xa0 expliqu\xc3\xa9",
                                            "\xc3\xa9videmment",
                                            "ce n'est pas notre probl\xc3\xa8me",
                                            "como ya se explic\xc3\xb3",
                                            "obviamente",
                                            "no es nuestro problema",
                                            "lea el manual"};

}  // namespace

std::span<const std::string_view> InternalMarkerPhrases() { return kInternal; }
std::span<const std::string_view> BlamePhrases() { return kBlame; }
std::span<const std::string_view> SpeculationPhrases() { return kSpeculation; }
std::span<const std::string_view> DismissivePhrases() { return kDismissive; }

}  // namespace ticketwise::safety::internal
