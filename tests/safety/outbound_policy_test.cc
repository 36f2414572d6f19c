// The outbound policy: only approved templates, and only text that passes every check, may be
// customer-visible; everything else becomes an internal note with reasons.
#include "safety/outbound_policy.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace ticketwise::safety {
namespace {

bool Has(const std::vector<PolicyViolation>& reasons, PolicyRule rule) {
  return std::any_of(reasons.begin(), reasons.end(),
                     [rule](const PolicyViolation& v) { return v.rule == rule; });
}

TEST(LanguageIdTest, IdentifiesTheFourLanguages) {
  EXPECT_EQ(IdentifyLanguage("Thank you for your patience, we have reset the password."),
            Language::kEnglish);
  EXPECT_EQ(IdentifyLanguage("Vielen Dank, wir haben das Kennwort zurückgesetzt."),
            Language::kGerman);
  EXPECT_EQ(IdentifyLanguage("Merci pour votre patience, nous avons réinitialisé le mot de passe."),
            Language::kFrench);
  EXPECT_EQ(IdentifyLanguage("Gracias por su paciencia, hemos restablecido la contraseña."),
            Language::kSpanish);
  EXPECT_EQ(IdentifyLanguage("VPN 0x80070005"), Language::kUnknown);
  EXPECT_EQ(LanguageFromCode("DE"), Language::kGerman);
  EXPECT_EQ(LanguageCode(Language::kUnknown), "und");
}

TEST(OutboundPolicyTest, CleanTextInTheTicketsLanguagePasses) {
  const OutboundVerdict v = CheckOutbound(
      "Hello, we have replaced the toner. Please let us know if the printer works again.",
      {.ticket_language = Language::kEnglish, .allowed_values = {}});
  EXPECT_TRUE(v.customer_visible);
  EXPECT_TRUE(v.reasons.empty());
}

TEST(OutboundPolicyTest, PiiDowngradesUnlessAllowed) {
  const std::string text = "Hi Anna, we wrote to bob@example.com about it.";
  OutboundVerdict v = CheckOutbound(text, {});
  EXPECT_FALSE(v.customer_visible);
  ASSERT_TRUE(Has(v.reasons, PolicyRule::kPii));
  for (const PolicyViolation& r : v.reasons)
    EXPECT_EQ(r.detail.find("bob@"), std::string::npos) << "reasons never carry the PII";
  v = CheckOutbound(
      text, {.ticket_language = Language::kUnknown, .allowed_values = {"Anna", "BOB@example.com"}});
  EXPECT_TRUE(v.customer_visible);
}

TEST(OutboundPolicyTest, InternalMarkersAndPlaceholdersDowngrade) {
  EXPECT_TRUE(
      Has(CheckOutbound("[internal] escalate to L2", {}).reasons, PolicyRule::kInternalMarker));
  EXPECT_TRUE(Has(CheckOutbound("The model has a confidence of 0.93 for Hardware.", {}).reasons,
                  PolicyRule::kInternalMarker));
  EXPECT_TRUE(
      Has(CheckOutbound("We called [PHONE_1] twice.", {}).reasons, PolicyRule::kInternalMarker));
}

TEST(OutboundPolicyTest, ToneChecksInFourLanguages) {
  EXPECT_TRUE(Has(CheckOutbound("This is your fault.", {}).reasons, PolicyRule::kBlame));
  EXPECT_TRUE(Has(CheckOutbound("Das ist Ihre Schuld.", {}).reasons, PolicyRule::kBlame));
  EXPECT_TRUE(
      Has(CheckOutbound("It is probably the cable.", {}).reasons, PolicyRule::kSpeculation));
  EXPECT_TRUE(
      Has(CheckOutbound("C'est peut-être le câble.", {}).reasons, PolicyRule::kSpeculation));
  EXPECT_TRUE(Has(CheckOutbound("Tal vez es el cable.", {}).reasons, PolicyRule::kSpeculation));
  EXPECT_TRUE(Has(CheckOutbound("As already explained, just restart.", {}).reasons,
                  PolicyRule::kDismissive));
  EXPECT_TRUE(Has(CheckOutbound("Obviamente no es nuestro problema.", {}).reasons,
                  PolicyRule::kDismissive));
  // Whole words only: "maybelline" is not "maybe".
  EXPECT_FALSE(
      Has(CheckOutbound("The maybelline order shipped.", {}).reasons, PolicyRule::kSpeculation));
}

TEST(OutboundPolicyTest, LengthAndLanguage) {
  EXPECT_TRUE(Has(CheckOutbound("  \n", {}).reasons, PolicyRule::kEmpty));
  EXPECT_TRUE(Has(CheckOutbound(std::string(50, 'a'), {}, {.max_bytes = 10}).reasons,
                  PolicyRule::kTooLong));
  EXPECT_TRUE(Has(CheckOutbound("Thank you, we have fixed the printer and it works again.",
                                {.ticket_language = Language::kGerman, .allowed_values = {}})
                      .reasons,
                  PolicyRule::kLanguageMismatch));
}

TEST(TemplateRegistryTest, RendersOnlyApprovedTemplates) {
  TemplateRegistry t;
  ASSERT_TRUE(
      t.Approve("acme", "resolved", "Hello {{name}}, your ticket {{ticket}} is solved.").ok());
  EXPECT_FALSE(t.Approve("acme", "bad", "Hello {{na me}}").ok());
  EXPECT_FALSE(t.Approve("acme", "open", "Hello {{name").ok());
  EXPECT_TRUE(t.IsApproved("acme", "resolved"));
  EXPECT_FALSE(t.IsApproved("globex", "resolved")) << "templates are per tenant";
  auto r = t.Render("acme", "resolved", {{"name", "Anna"}, {"ticket", "{{name}}"}});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, "Hello Anna, your ticket {{name}} is solved.") << "values are not expanded again";
  EXPECT_FALSE(t.Render("acme", "resolved", {{"name", "Anna"}}).has_value());
  EXPECT_EQ(t.Render("globex", "resolved", {}).error().code(), StatusCode::kNotFound);
}

TEST(RenderOutboundTest, FailuresBecomeInternalNotesWithReasons) {
  TemplateRegistry t;
  ASSERT_TRUE(t.Approve("acme", "resolved", "Hello {{name}}, we have fixed the printer.").ok());
  const OutboundContext ctx{.ticket_language = Language::kEnglish, .allowed_values = {"Anna"}};
  OutboundMessage m = RenderOutbound(t, "acme", "resolved", {{"name", "Anna"}}, ctx);
  EXPECT_TRUE(m.customer_visible) << (m.reasons.empty() ? "" : m.reasons[0].detail);
  EXPECT_EQ(m.text, "Hello Anna, we have fixed the printer.");

  m = RenderOutbound(t, "acme", "resolved", {{"name", "Anna, probably call +49 30 1234567"}}, ctx);
  EXPECT_FALSE(m.customer_visible);
  EXPECT_TRUE(Has(m.reasons, PolicyRule::kPii));
  EXPECT_TRUE(Has(m.reasons, PolicyRule::kSpeculation));

  m = RenderOutbound(t, "acme", "free-text", {}, ctx);
  EXPECT_FALSE(m.customer_visible);
  EXPECT_TRUE(Has(m.reasons, PolicyRule::kNotFromTemplate));
  EXPECT_EQ(PolicyRuleName(PolicyRule::kNotFromTemplate), "not_from_template");
}

}  // namespace
}  // namespace ticketwise::safety
