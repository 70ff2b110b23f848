// Dialect::TextLiteral gives each backend a literal that is exactly the text when run and that
// stays one printable line: quotes doubled, a backslash never an escape on MySQL, control
// characters and bytes that are not UTF-8 written as their bytes in hex. db::ToSqlLiteral, for
// previews whose backend is not known, is inert on every backend.
#include <gtest/gtest.h>

#include <string>

#include "db/mysql_dialect.h"
#include "db/postgres_dialect.h"
#include "db/sqlite_dialect.h"
#include "db/value.h"

namespace csm::db {
namespace {

const std::string kQuoteBreak = "z\\' WHERE 1=0; DROP TABLE vm_template; -- ";
const std::string kControls = "a\nb\x1b[31mc";
const std::string kNotUtf8 = "x\xff\xfe";

TEST(DialectLiteral, PrintableTextIsQuotedWithItsQuotesDoubled) {
  const SqliteDialect sqlite;
  const MysqlDialect mysql;
  const PostgresDialect postgresql;
  for (const Dialect* d :
       {static_cast<const Dialect*>(&sqlite), static_cast<const Dialect*>(&mysql),
        static_cast<const Dialect*>(&postgresql)}) {
    EXPECT_EQ(d->TextLiteral("it's"), "'it''s'") << d->name();
    EXPECT_EQ(d->TextLiteral(""), "''") << d->name();
    EXPECT_EQ(d->TextLiteral("T-201/caf\xc3\xa9.qcow2"), "'T-201/caf\xc3\xa9.qcow2'") << d->name();
    EXPECT_EQ(d->Literal(Value(int64_t{-1})), "-1") << d->name();
    EXPECT_EQ(d->Literal(Value()), "NULL") << d->name();
    EXPECT_EQ(d->Literal(Value(std::string("Ready"))), "'Ready'") << d->name();
  }
}

TEST(DialectLiteral, MysqlWritesABackslashOrAControlCharacterAsAHexLiteral) {
  const MysqlDialect d;
  // 'z\'' would end where the attacker wants on MySQL: the whole text is hex instead.
  EXPECT_EQ(d.TextLiteral(kQuoteBreak),
            "X'7a5c2720574845524520313d303b2044524f50205441424c4520766d5f74656d706c6174653b202d2d"
            "20'");
  EXPECT_EQ(d.TextLiteral("a\\b"), "X'615c62'");
  EXPECT_EQ(d.TextLiteral(kControls), "X'610a621b5b33316d63'");
  EXPECT_EQ(d.TextLiteral(kNotUtf8), "X'78fffe'");
}

TEST(DialectLiteral, SqliteKeepsABackslashAndCastsHexToText) {
  const SqliteDialect d;
  EXPECT_EQ(d.TextLiteral(kQuoteBreak), "'z\\'' WHERE 1=0; DROP TABLE vm_template; -- '");
  EXPECT_EQ(d.TextLiteral(kControls), "CAST(X'610a621b5b33316d63' AS TEXT)");
  EXPECT_EQ(d.TextLiteral(kNotUtf8), "CAST(X'78fffe' AS TEXT)");
  EXPECT_EQ(d.TextLiteral(std::string("a\0b", 3)), "CAST(X'610062' AS TEXT)");
}

TEST(DialectLiteral, PostgresqlDecodesHexWhateverStandardConformingStringsSays) {
  const PostgresDialect d;
  EXPECT_EQ(d.TextLiteral("a\\b"), "convert_from(decode('615c62', 'hex'), 'UTF8')");
  EXPECT_EQ(d.TextLiteral(kControls), "convert_from(decode('610a621b5b33316d63', 'hex'), 'UTF8')");
  EXPECT_EQ(d.TextLiteral(kNotUtf8), "convert_from(decode('78fffe', 'hex'), 'UTF8')");
  // U+202E (right-to-left override) would reorder what a terminal shows.
  EXPECT_EQ(d.TextLiteral("a\xe2\x80\xae"), "convert_from(decode('61e280ae', 'hex'), 'UTF8')");
}

TEST(DialectLiteral, ThePreviewLiteralIsInertOnEveryBackend) {
  EXPECT_EQ(ToSqlLiteral(Value(std::string("it's"))), "'it''s'");
  EXPECT_EQ(ToSqlLiteral(Value(kQuoteBreak)),
            "X'7a5c2720574845524520313d303b2044524f50205441424c4520766d5f74656d706c6174653b202d2d"
            "20'");
  EXPECT_EQ(ToSqlLiteral(Value(kControls)), "X'610a621b5b33316d63'");
  EXPECT_EQ(ToSqlLiteral(Value(int64_t{42})), "42");
}

}  // namespace
}  // namespace csm::db
