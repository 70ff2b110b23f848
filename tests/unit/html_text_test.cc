// HtmlEscape: markup characters become references, a newline stays on the line, and bytes that
// are not UTF-8 or characters HTML forbids become U+FFFD; everything else is kept byte for byte.
#include "reconcile/html_text.h"

#include <gtest/gtest.h>

#include <string>

namespace csm::reconcile {
namespace {

constexpr const char* kReplacement = "\xEF\xBF\xBD";

TEST(HtmlEscape, MarkupCharactersBecomeReferences) {
  EXPECT_EQ(HtmlEscape("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(HtmlEscape("\"&'"), "&quot;&amp;&#39;");
  EXPECT_EQ(HtmlEscape("a&amp;b"), "a&amp;amp;b");
  EXPECT_EQ(HtmlEscape("line 1\nline 2\tend"), "line 1&#10;line 2\tend");
  EXPECT_EQ(HtmlEscape(""), "");
}

TEST(HtmlEscape, KeepsUtf8AsItIs) {
  const std::string text = "templates/\xC3\xA9t\xC3\xA9/\xE2\x82\xAC/\xF0\x9F\x92\xBE.qcow2";
  EXPECT_EQ(HtmlEscape(text), text);
  EXPECT_EQ(HtmlEscape("\xEF\xBF\xBD"), "\xEF\xBF\xBD") << "U+FFFD itself is a character";
  EXPECT_EQ(HtmlEscape("\xF4\x8F\xBF\xBD"), "\xF4\x8F\xBF\xBD") << "U+10FFFD";
}

TEST(HtmlEscape, ReplacesWhatIsNotUtf8) {
  const std::string r = kReplacement;
  EXPECT_EQ(HtmlEscape("bad\xFF\xFEname"), "bad" + r + r + "name");
  EXPECT_EQ(HtmlEscape("\xC0\xAF"), r + r) << "an overlong '/'";
  EXPECT_EQ(HtmlEscape("\xE0\x80\xAF"), r + r + r) << "an overlong '/' in three bytes";
  EXPECT_EQ(HtmlEscape("\xED\xA0\x80"), r + r + r) << "a surrogate";
  EXPECT_EQ(HtmlEscape("\xF4\x90\x80\x80"), r + r + r + r) << "above U+10FFFF";
  EXPECT_EQ(HtmlEscape("cut \xE2\x82"), "cut " + r + r) << "a sequence cut short at the end";
  EXPECT_EQ(HtmlEscape("\xE2\x82<"), r + r + "&lt;") << "a cut sequence does not swallow '<'";
  EXPECT_EQ(HtmlEscape("\x80"), r) << "a lone continuation byte";
}

TEST(HtmlEscape, ReplacesCharactersHtmlForbids) {
  const std::string r = kReplacement;
  EXPECT_EQ(HtmlEscape(std::string("a\0b", 3)), "a" + r + "b");
  EXPECT_EQ(HtmlEscape("\r\x1B\x7F"), r + r + r) << "CR, ESC, DEL";
  EXPECT_EQ(HtmlEscape("\xC2\x80\xC2\x9F"), r + r) << "C1 controls";
  EXPECT_EQ(HtmlEscape("\xEF\xB7\x90\xEF\xBF\xBE\xF0\x9F\xBF\xBF"), r + r + r)
      << "noncharacters U+FDD0, U+FFFE, U+1FFFF";
}

}  // namespace
}  // namespace csm::reconcile
