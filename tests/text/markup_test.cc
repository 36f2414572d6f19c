#include "text/markup.h"

#include <gtest/gtest.h>

#include <string>

namespace ticketwise::text {
namespace {

constexpr MarkupKind kAllKinds[] = {MarkupKind::kAuto, MarkupKind::kPlain, MarkupKind::kHtml,
                                    MarkupKind::kJiraWiki};

// ---- Plain text
// -------------------------------------------------------------------------------------------

TEST(MarkupTest, ReturnsPlainTextUnchangedByteForByte) {
  for (const std::string text : {
           "please reset my password for user a*b and c_d",
           "Line one\r\n\r\n   indented; x > y and y < z\n",
           "Price < 5 & tax > 2, AT&T router, if a <b and c> d",
           "C:\\Windows\\System32\\drivers\\etc\\hosts and /var/log/syslog",
           "Use --force -rf and 2024-01-02 then C++ build of srv-db01",
           "On call engineer will check tomorrow.\nFrom now on use VPN.",
           "- step one\n* step two\n# step three",
           "value {{ .Values.image.tag }} is *wrong* in _helpers.tpl",
           "[ERROR] disk full [1] see [docs] ",
           "Urgent!! screenshot.png attached!",
           "mail <user@example.com> about <ticket>",
           "",
       }) {
    EXPECT_EQ(StripMarkup(text), text) << text;
    EXPECT_EQ(StripMarkup(text, MarkupKind::kPlain), text) << text;
  }
}

TEST(MarkupTest, HtmlKindLeavesTextWithoutTagsOrEntitiesAlone) {
  const std::string text = "Line one\n\nLine   two";
  EXPECT_EQ(StripMarkup(text, MarkupKind::kHtml), text);
}

TEST(MarkupTest, WikiKindLeavesTextWithoutWikiConstructsAlone) {
  const std::string text = "user a*b and c_d, srv-db01, C++ and x-y-z\n[ERROR] 5 * 3 = 15";
  EXPECT_EQ(StripMarkup(text, MarkupKind::kJiraWiki), text);
}

// ---- HTML
// -------------------------------------------------------------------------------------------------

TEST(MarkupTest, HtmlDropsTagsAndTurnsBlocksIntoLineBreaks) {
  EXPECT_EQ(StripMarkup("<p>Printer <b>offline</b></p><p>Floor 3</p>"),
            "Printer offline\n\nFloor 3");
  EXPECT_EQ(StripMarkup("<div>one</div><div>two</div><ul><li>a</li><li>b</li></ul>"),
            "one\ntwo\na\nb");
  EXPECT_EQ(StripMarkup("line1<br>line2<br/>line3<BR />line4"), "line1\nline2\nline3\nline4");
  EXPECT_EQ(
      StripMarkup("<table><tr><td>host</td><td>ip</td></tr><tr><td>a</td><td>b</td></tr></table>"),
      "host ip\na b");
}

TEST(MarkupTest, HtmlDecodesEntities) {
  EXPECT_EQ(
      StripMarkup("<p>&lt;a&gt; &amp; &quot;b&quot; &#39;c&#39; x&nbsp;y &#8364; &#x41;&#X42;</p>"),
      "<a> & \"b\" 'c' x y \xE2\x82\xAC AB");
  EXPECT_EQ(StripMarkup("<p>don&#146;t &rsquo;</p>"),
            "don\xE2\x80\x99t \xE2\x80\x99");  // Windows-1252
  EXPECT_EQ(StripMarkup("<p>&#0; &#xD800; &#99999999;</p>"),
            "\xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD");
}

TEST(MarkupTest, HtmlKeepsUnknownEntitiesAndStrayAmpersands) {
  EXPECT_EQ(StripMarkup("<p>&bogus; AT&T &#; &</p>"), "&bogus; AT&T &#; &");
}

TEST(MarkupTest, HtmlDropsScriptStyleHeadAndComments) {
  EXPECT_EQ(
      StripMarkup("<html><head><title>t</title><style>p{color:red}</style></head><body>"
                  "<!-- hidden --><script>alert('x<p>')</script><p>visible</p></body></html>"),
      "visible");
}

TEST(MarkupTest, HtmlCollapsesSourceWhitespaceButKeepsPre) {
  EXPECT_EQ(StripMarkup("<div>a\n    b\t c</div>"), "a b c");
  EXPECT_EQ(StripMarkup("<p>log:</p><pre>line 1\n  line 2</pre><p>end</p>"),
            "log:\n\nline 1\n  line 2\n\nend");
}

TEST(MarkupTest, HtmlKeepsLessThanSignsThatAreNotTags) {
  EXPECT_EQ(StripMarkup("<p>if x < 5 mail <user@example.com> <3</p>", MarkupKind::kHtml),
            "if x < 5 mail <user@example.com> <3");
}

TEST(MarkupTest, HtmlAttributeValuesMayContainGreaterThan) {
  EXPECT_EQ(StripMarkup("<a title=\"a > b\" href='x'>link</a> text<br>"), "link text");
}

TEST(MarkupTest, HtmlGmailReplyIsCutAtAttribution) {
  EXPECT_EQ(
      StripMarkup(
          "<div dir=\"ltr\">Thanks, works now</div><br><div class=\"gmail_quote\"><div "
          "class=\"gmail_attr\">On Mon, Jun 3, 2024 at 10:00 AM Ann &lt;<a "
          "href=\"mailto:ann@example.com\">ann@example.com</a>&gt; wrote:<br></div><blockquote>"
          "old text</blockquote></div>"),
      "Thanks, works now");
}

TEST(MarkupTest, HtmlOutlookReplyIsCutAtHeaderBlock) {
  EXPECT_EQ(
      StripMarkup("<p>Still broken.</p><div><hr><p><b>From:</b> Bob<br><b>Sent:</b> Monday<br>"
                  "<b>To:</b> IT</p><p>old</p></div>"),
      "Still broken.");
}

// ---- Jira wiki
// --------------------------------------------------------------------------------------------

TEST(MarkupTest, WikiRemovesHeadingsAndTextEffects) {
  EXPECT_EQ(
      StripMarkup("h1. Outage\n*Printer* is _down_ since -Monday- +today+.", MarkupKind::kJiraWiki),
      "Outage\nPrinter is down since Monday today.");
}

TEST(MarkupTest, WikiKeepsCodeBlockVerbatim) {
  EXPECT_EQ(
      StripMarkup("Error:\n{code:java}\nint a_b = c*d*e;\n*not bold* [x|http://y]\n{code}\nThanks"),
      "Error:\nint a_b = c*d*e;\n*not bold* [x|http://y]\nThanks");
  EXPECT_EQ(StripMarkup("see {noformat}-x- *y*{noformat} here"), "see -x- *y* here");
}

TEST(MarkupTest, WikiKeepsMonospaceContent) {
  EXPECT_EQ(StripMarkup("run {{ipconfig /all}} and *{{net_use}}*", MarkupKind::kJiraWiki),
            "run ipconfig /all and net_use");
}

TEST(MarkupTest, WikiReplacesLinksByTheirText) {
  EXPECT_EQ(StripMarkup(
                "[docs|https://x.example.com/a_b_c] and [https://y.example.com/_x_] cc [~jsmith]"),
            "docs and https://y.example.com/_x_ cc jsmith");
}

TEST(MarkupTest, WikiRemovesColorPanelAndQuoteMacros) {
  EXPECT_EQ(
      StripMarkup(
          "{color:red}urgent{color}\n{panel:title=Info}\ntext\n{panel}\n{quote}\nquoted\n{quote}"),
      "urgent\ntext\nquoted");
}

TEST(MarkupTest, WikiRemovesImages) {
  EXPECT_EQ(
      StripMarkup("See !screenshot.png|thumbnail! and !err.JPG! Urgent!", MarkupKind::kJiraWiki),
      "See  and  Urgent!");
}

TEST(MarkupTest, WikiTurnsTablesIntoCellsSeparatedByBars) {
  EXPECT_EQ(StripMarkup("||Host||IP||\n|srv01|10.0.0.1|\n|[link|http://x]|b|"),
            "Host | IP\nsrv01 | 10.0.0.1\nlink | b");
}

TEST(MarkupTest, WikiRemovesListMarkersAndRules) {
  EXPECT_EQ(StripMarkup("* first\n** nested\n# numbered\n- dash\n----\nend", MarkupKind::kJiraWiki),
            "first\nnested\nnumbered\ndash\n\nend");
}

TEST(MarkupTest, WikiLeavesMarkersInsideWordsAlone) {
  EXPECT_EQ(
      StripMarkup("h2. Login\nuser a*b and c_d on srv-db01 with C++ and 5 * 3", MarkupKind::kAuto),
      "Login\nuser a*b and c_d on srv-db01 with C++ and 5 * 3");
}

// ---- E-mail
// -----------------------------------------------------------------------------------------------

TEST(MarkupTest, EmailRemovesQuotedLines) {
  EXPECT_EQ(StripMarkup("Fixed it, thanks.\n\n> Can you check?\n> Regards"), "Fixed it, thanks.");
  EXPECT_EQ(StripMarkup("> q1\nanswer1\n> q2\nanswer2\n"), "answer1\nanswer2");
  EXPECT_EQ(StripMarkup("Thanks\r\n> quoted\r\n"), "Thanks");
}

TEST(MarkupTest, EmailKeepsQuoteWhenItIsTheWholeMessage) {
  EXPECT_EQ(StripMarkup("> error: disk full\n> on srv01"), "> error: disk full\n> on srv01");
}

TEST(MarkupTest, EmailCutsAtReplyAttribution) {
  EXPECT_EQ(
      StripMarkup(
          "Still failing.\n\nOn Mon, 3 Jun 2024 at 10:02, Ann <ann@example.com> wrote:\n> old\n"),
      "Still failing.");
  EXPECT_EQ(
      StripMarkup(
          "Still failing.\nOn Mon, 3 Jun 2024 at 10:02, Ann Example <\nann@example.com> wrote:\nx"),
      "Still failing.");
  EXPECT_EQ(StripMarkup("Geht nicht.\nAm 03.06.2024 um 10:02 schrieb Ann <ann@example.com>:\nalt"),
            "Geht nicht.");
}

TEST(MarkupTest, EmailCutsAtOriginalMessageSeparator) {
  EXPECT_EQ(StripMarkup("Please advise.\n-----Original Message-----\nFrom: Bob\nold"),
            "Please advise.");
  EXPECT_EQ(StripMarkup("Please advise.\n----- Original Message -----\nold"), "Please advise.");
}

TEST(MarkupTest, EmailCutsAtOutlookHeaderBlockAndItsRule) {
  EXPECT_EQ(StripMarkup(
                "VPN still down.\n\n________________________________\nFrom: Bob <bob@example.com>\n"
                "Sent: Monday, June 3, 2024 10:02 AM\nTo: IT\nSubject: VPN\n\nold"),
            "VPN still down.");
}

TEST(MarkupTest, EmailKeepsForwardedHeaderAtTheTop) {
  const std::string text = "From: Bob\nSent: Monday\nSubject: VPN\n\nVPN down since 9am";
  EXPECT_EQ(StripMarkup(text), text);
}

TEST(MarkupTest, EmailCutsSignature) {
  EXPECT_EQ(StripMarkup("Please help.\n-- \nJohn Doe\nIT Dept"), "Please help.");
  EXPECT_EQ(StripMarkup("Please help.\n--\nJohn Doe"), "Please help.");
  EXPECT_EQ(StripMarkup("a -- b\n--- not a signature\n-- x"), "a -- b\n--- not a signature\n-- x");
}

TEST(MarkupTest, EmailCutsMobileFooter) {
  EXPECT_EQ(StripMarkup("Can't print.\n\nSent from my iPhone\n\nOn Mon wrote:\n> x"),
            "Can't print.");
  EXPECT_EQ(StripMarkup("Can't print.\nSent from my Android device"), "Can't print.");
  EXPECT_EQ(StripMarkup("Can't print.\nGet Outlook for iOS\nold"), "Can't print.");
}

TEST(MarkupTest, EmailKeepsSentenceThatStartsLikeAMobileFooter) {
  const std::string text =
      "Printer jams.\nSent from my laptop to the printer but nothing came out.\nHelp";
  EXPECT_EQ(StripMarkup(text), text);
}

TEST(MarkupTest, EmailStrippingAppliesInsideWiki) {
  EXPECT_EQ(
      StripMarkup("*Still* broken\n-----Original Message-----\nh1. old", MarkupKind::kJiraWiki),
      "Still broken");
}

TEST(MarkupTest, EveryKindAcceptsEmptyInput) {
  for (MarkupKind kind : kAllKinds) EXPECT_EQ(StripMarkup("", kind), "");
}

}  // namespace
}  // namespace ticketwise::text
