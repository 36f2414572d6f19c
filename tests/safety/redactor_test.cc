// Redactor: typed placeholders, consistent within one session, fresh in the next.
#include "safety/redactor.h"

#include <gtest/gtest.h>

namespace ticketwise::safety {
namespace {

TEST(RedactorTest, ReplacesEachValueWithATypedPlaceholder) {
  Redactor r;
  const Redaction out = r.Redact("Hi John,\nmail john@example.com or call +49 30 1234567.");
  EXPECT_EQ(out.text, "Hi [PERSON_1],\nmail [EMAIL_1] or call [PHONE_1].");
  ASSERT_EQ(out.spans.size(), 3u);
  EXPECT_EQ(out.spans[1].type, PiiType::kEmail);
}

TEST(RedactorTest, SameValueSamePlaceholderWithinASession) {
  Redactor r;
  const Redaction a = r.Redact("from a@example.com to b@example.com, cc A@Example.com");
  EXPECT_EQ(a.text, "from [EMAIL_1] to [EMAIL_2], cc [EMAIL_1]");
  // A later comment of the same ticket: the numbering goes on.
  const Redaction b = r.Redact("b@example.com wrote from +49 30 1234567 / +49301234567");
  EXPECT_EQ(b.text, "[EMAIL_2] wrote from [PHONE_1] / [PHONE_1]");
  EXPECT_EQ(r.distinct_values(), 3u);
  // A new session starts again at 1.
  Redactor fresh;
  EXPECT_EQ(fresh.Redact("b@example.com").text, "[EMAIL_1]");
}

TEST(RedactorTest, TextWithoutPiiIsUnchanged) {
  const std::string text = "printer on floor 3 is out of toner \xff\xfe binary";
  EXPECT_EQ(RedactText(text), text);
}

TEST(RedactorTest, ApplyIgnoresSpansOutsideTheText) {
  Redactor r;
  const Redaction out =
      r.Apply("abc", {{PiiType::kEmail, 1, 2}, {PiiType::kEmail, 0, 9}, {PiiType::kPhone, 2, 2}});
  EXPECT_EQ(out.text, "a[EMAIL_1]c");
  EXPECT_EQ(out.spans.size(), 1u);
}

TEST(RedactorTest, NormalizedValues) {
  EXPECT_EQ(NormalizedValue(PiiType::kCard, "4111-1111 1111.1111"), "4111111111111111");
  EXPECT_EQ(NormalizedValue(PiiType::kEmail, "A@B.de"), "a@b.de");
  EXPECT_EQ(NormalizedValue(PiiType::kPerson, "Jane \n Doe"), "jane doe");
}

}  // namespace
}  // namespace ticketwise::safety
