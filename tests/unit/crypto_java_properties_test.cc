#include <gtest/gtest.h>

#include <map>
#include <string>

#include "crypto/java_properties.h"

namespace csm::crypto {
namespace {

using Map = std::map<std::string, std::string>;

Map Parse(const std::string& text) {
  auto parsed = ParseJavaProperties(text, "test.properties");
  EXPECT_TRUE(parsed.ok()) << parsed.status().message();
  return parsed.ok() ? *parsed : Map();
}

TEST(JavaProperties, SeparatorsAndBlanksAroundThem) {
  EXPECT_EQ(Parse("a=1\nb: 2\nc 3\nd\t=\t4\ne :5\nf   = :6\ng\nh=\n  i = 7  \n"),
            (Map{{"a", "1"},
                 {"b", "2"},
                 {"c", "3"},
                 {"d", "4"},
                 {"e", "5"},
                 {"f", ":6"},
                 {"g", ""},
                 {"h", ""},
                 {"i", "7  "}}));
}

TEST(JavaProperties, CommentsAndBlankLines) {
  EXPECT_EQ(Parse("# comment = x\n! other: y\n   # indented comment\n\n  \t\nkey=value # not a "
                  "comment\n#last"),
            (Map{{"key", "value # not a comment"}}));
}

TEST(JavaProperties, ContinuationLines) {
  EXPECT_EQ(Parse("list = a, \\\n      b, \\\n\t  c\nnext=1\n"),
            (Map{{"list", "a, b, c"}, {"next", "1"}}));
  // A continued line starting with # is content; a comment cannot be continued.
  EXPECT_EQ(Parse("a=x\\\n#y\n# c \\\nb=2\n"), (Map{{"a", "x#y"}, {"b", "2"}}));
  // An even number of backslashes is escaped backslashes, not a continuation.
  EXPECT_EQ(Parse("a=x\\\\\nb=y\\\\\\\nz\n"), (Map{{"a", "x\\"}, {"b", "y\\z"}}));
  // An empty line after a continuation ends the value; a backslash at the very end is dropped.
  EXPECT_EQ(Parse("a=x\\\n\nb=y\\"), (Map{{"a", "x"}, {"b", "y"}}));
  // The key itself can continue.
  EXPECT_EQ(Parse("lo\\\n  ng=v\n"), (Map{{"long", "v"}}));
}

TEST(JavaProperties, LineEndings) {
  EXPECT_EQ(Parse("a=1\r\nb=2\rc=3\nd=\\\r\n  4\r"),
            (Map{{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}}));
}

TEST(JavaProperties, Escapes) {
  EXPECT_EQ(
      Parse("tab=a\\tb\nnl=a\\nb\ncr=\\r\nff=\\f\nu=\\u0041\\u00e9\\u20AC\nother=\\q\\#\\\\\n"),
      (Map{{"tab", "a\tb"},
           {"nl", "a\nb"},
           {"cr", "\r"},
           {"ff", "\f"},
           {"u", "A\xc3\xa9\xe2\x82\xac"},
           {"other", "q#\\"}}));
  EXPECT_EQ(Parse("a\\=b\\:c\\ d=1\n\\ lead=2\n"), (Map{{"a=b:c d", "1"}, {" lead", "2"}}));
  EXPECT_EQ(Parse("v=\\ \\ two leading blanks\n"), (Map{{"v", "  two leading blanks"}}));
}

TEST(JavaProperties, SurrogatePairsCombineAndLoneSurrogatesBecomeQuestionMarks) {
  EXPECT_EQ(Parse("a=\\uD83D\\uDD11\nb=x\\uD83Dy\n"),
            (Map{{"a", "\xf0\x9f\x94\x91"}, {"b", "x?y"}}));
}

TEST(JavaProperties, BytesAreIso88591AsInJava) {
  // Java's Properties.load(InputStream) reads é written in UTF-8 (C3 A9) as two characters.
  EXPECT_EQ(Parse("latin1=\xe9\nutf8=\xc3\xa9\n"),
            (Map{{"latin1", "\xc3\xa9"}, {"utf8", "\xc3\x83\xc2\xa9"}}));
}

TEST(JavaProperties, LastDuplicateWins) {
  EXPECT_EQ(Parse("a=1\na=2\n"), (Map{{"a", "2"}}));
}

TEST(JavaProperties, MalformedUnicodeEscapeNamesSourceAndLine) {
  for (const std::string text : {"ok=1\n\n# c\nbad=\\u12G4\n", "ok=1\n\n# c\nbad=\\u12\n"}) {
    auto parsed = ParseJavaProperties(text, "db.properties");
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message(), "db.properties: line 4: malformed \\uXXXX escape");
  }
}

TEST(JavaProperties, WrittenPropertiesReadBackExactly) {
  const Map values = {
      {"plain", "201-2-3f0c1e8a.qcow2"},
      {"separators", "a=b:c #d !e"},
      {"leading blanks", "  two spaces, a\ttab"},
      {"escapes", "back\\slash\nnew line\rcarriage\fform feed"},
      {"utf-8", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa6"},
      {"", "empty key"},
      {"empty value", ""},
  };
  std::string text;
  for (const auto& [key, value] : values) text += FormatJavaProperty(key, value);
  EXPECT_EQ(Parse(text), values) << text;
  // As Properties.store writes it: printable ASCII, one line per property.
  EXPECT_EQ(FormatJavaProperty("filename", " x=y"), "filename=\\ x\\=y\n");
  EXPECT_EQ(FormatJavaProperty("k", "\xc3\xa9\xf0\x9f\x93\xa6"), "k=\\u00E9\\uD83D\\uDCE6\n");
  // A byte that is not UTF-8 stands for the ISO-8859-1 character of its value.
  EXPECT_EQ(FormatJavaProperty("k", "\xff"), "k=\\u00FF\n");
}

}  // namespace
}  // namespace csm::crypto
