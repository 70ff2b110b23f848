// apply::LimitOf: what a column's declared type admits, in each backend's spelling.
#include <gtest/gtest.h>

#include <limits>

#include "apply/column_fit.h"

namespace csm::apply {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

TEST(ColumnFit, CharacterTypesLimitCharactersInEverySpelling) {
  for (const char* type : {"varchar(255)", "VARCHAR(255)", "character varying(255)", "char(255)"}) {
    for (const char* dialect : {"mysql", "postgresql", "sqlite"}) {
      const ColumnLimit limit = LimitOf(type, dialect);
      EXPECT_EQ(limit.max_chars, 255u) << type << " on " << dialect;
      EXPECT_EQ(limit.max_bytes, 0u) << type << " on " << dialect;
      EXPECT_FALSE(limit.integer) << type << " on " << dialect;
    }
  }
  EXPECT_EQ(LimitOf("character varying", "postgresql").max_chars, 0u) << "no width, no limit";
}

TEST(ColumnFit, MysqlTextTypesLimitBytesOnlyOnMysql) {
  EXPECT_EQ(LimitOf("tinytext", "mysql").max_bytes, 255u);
  EXPECT_EQ(LimitOf("text", "mysql").max_bytes, 65535u);
  EXPECT_EQ(LimitOf("MEDIUMTEXT", "mysql").max_bytes, 16777215u);
  EXPECT_EQ(LimitOf("text", "postgresql").max_bytes, 0u);
  EXPECT_EQ(LimitOf("text", "sqlite").max_bytes, 0u);
  EXPECT_EQ(LimitOf("longtext", "mysql").max_bytes, 0u);
}

TEST(ColumnFit, IntegerTypesGiveTheirRange) {
  const ColumnLimit tiny = LimitOf("tinyint(1)", "mysql");
  EXPECT_TRUE(tiny.integer);
  EXPECT_EQ(tiny.min, -128);
  EXPECT_EQ(tiny.max, 127);
  const ColumnLimit small = LimitOf("int2", "postgresql");
  EXPECT_EQ(small.min, -32768);
  EXPECT_EQ(small.max, 32767);
  const ColumnLimit medium = LimitOf("mediumint(8)", "mysql");
  EXPECT_EQ(medium.max, 8388607);
  const ColumnLimit integer = LimitOf("integer", "postgresql");
  EXPECT_EQ(integer.min, -2147483648LL);
  EXPECT_EQ(integer.max, 2147483647);
  const ColumnLimit big = LimitOf("bigint", "postgresql");
  EXPECT_EQ(big.min, std::numeric_limits<int64_t>::min());
  EXPECT_EQ(big.max, kInt64Max);
}

TEST(ColumnFit, UnsignedIntegersStartAtZeroAndDoubleTheirTop) {
  const ColumnLimit unsigned_int = LimitOf("int(10) unsigned", "mysql");
  EXPECT_TRUE(unsigned_int.integer);
  EXPECT_EQ(unsigned_int.min, 0);
  EXPECT_EQ(unsigned_int.max, 4294967295LL);
  const ColumnLimit tiny = LimitOf("tinyint unsigned", "mysql");
  EXPECT_EQ(tiny.max, 255);
  const ColumnLimit big = LimitOf("bigint(20) unsigned", "mysql");
  EXPECT_EQ(big.min, 0);
  EXPECT_EQ(big.max, kInt64Max) << "bigint unsigned is held to int64 here";
}

TEST(ColumnFit, SqlitesIntegerHoldsSixtyFourBitsWhateverItIsCalled) {
  EXPECT_EQ(LimitOf("INTEGER", "sqlite").max, kInt64Max);
  EXPECT_EQ(LimitOf("integer", "postgresql").max, 2147483647);
  EXPECT_EQ(LimitOf("int", "sqlite").max, 2147483647) << "only INTEGER is SQLite's 64-bit name";
}

TEST(ColumnFit, OtherTypesAreNotChecked) {
  for (const char* type : {"datetime", "timestamp without time zone", "boolean", "double", "blob",
                           "numeric(10,2)", ""}) {
    const ColumnLimit limit = LimitOf(type, "mysql");
    EXPECT_FALSE(limit.integer) << type;
    EXPECT_EQ(limit.max_chars, 0u) << type;
    EXPECT_EQ(limit.max_bytes, 0u) << type;
  }
}

}  // namespace
}  // namespace csm::apply
