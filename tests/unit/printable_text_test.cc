// common/printable_text.h: text from the database, files and listings shown on one line, inert
// for a terminal, every character visible.
#include "common/printable_text.h"

#include <gtest/gtest.h>

namespace csm {
namespace {

TEST(PrintableText, PrintableTextPassesUnchanged) {
  EXPECT_EQ(PrintableText(""), "");
  EXPECT_EQ(PrintableText("store 1 nfs-zone1 (NFS, ImageCache)"),
            "store 1 nfs-zone1 (NFS, ImageCache)");
  EXPECT_EQ(PrintableText("caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80"),
            "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(PrintableText(R"(C:\path\x1b)"), R"(C:\path\x1b)");  // backslashes are kept
}

TEST(PrintableText, EscapeSequencesAndLineBreaksShowAsEscapes) {
  EXPECT_EQ(PrintableText("red\x1B[31mtext\x1B[0m"), "red\\x1b[31mtext\\x1b[0m");
  EXPECT_EQ(PrintableText("one\ntwo\r\tthree"), "one\\ntwo\\r\\tthree");
  EXPECT_EQ(PrintableText(std::string("nul\0bel\a", 8)), "nul\\x00bel\\x07");
  EXPECT_EQ(PrintableText("del\x7F"), "del\\x7f");
}

TEST(PrintableText, C1ControlsSeparatorsAndBidiOverridesShowAsCodePoints) {
  EXPECT_EQ(PrintableText("csi\xC2\x9B"
                          "31m"),
            "csi\\u009b31m");
  EXPECT_EQ(PrintableText("nel\xC2\x85"), "nel\\u0085");
  EXPECT_EQ(PrintableText("ls\xE2\x80\xA8ps\xE2\x80\xA9"), "ls\\u2028ps\\u2029");
  EXPECT_EQ(PrintableText("gpj.\xE2\x80\xAE"
                          "exe"),
            "gpj.\\u202eexe");
  EXPECT_EQ(PrintableText("iso\xE2\x81\xA6x\xE2\x81\xA9"), "iso\\u2066x\\u2069");
}

TEST(PrintableText, BytesThatAreNotUtf8ShowAsHex) {
  EXPECT_EQ(PrintableText("bad\xFFname"), "bad\\xffname");
  EXPECT_EQ(PrintableText("latin1 caf\xE9"), "latin1 caf\\xe9");
  EXPECT_EQ(PrintableText("\xC0\x80"), "\\xc0\\x80");
  EXPECT_EQ(PrintableText("cut \xE6\x97"), "cut \\xe6\\x97");
}

}  // namespace
}  // namespace csm
