// apply::LimitOf: what a column's declared type admits, in each backend's spelling; and
// apply::CheckValuesFitColumns: every bound value checked against the column it is written to.
#include <gtest/gtest.h>

#include <limits>

#include "apply/column_fit.h"
#include "rules/rule_loader.h"

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

rules::Catalog StoreCatalog() {
  auto column = [](const std::string& name, const std::string& type) {
    db::ColumnInfo info;
    info.name = name;
    info.declared_type = type;
    info.primary_key = name == "id";
    return info;
  };
  rules::Catalog catalog;
  catalog["image_store"] = {"image_store",
                            {column("id", "bigint(20) unsigned"), column("name", "varchar(8)"),
                             column("data_center_id", "bigint(20) unsigned")}};
  catalog["image_store_details"] = {
      "image_store_details",
      {column("id", "bigint(20) unsigned"), column("store_id", "bigint(20) unsigned"),
       column("name", "varchar(6)"), column("value", "varchar(10)")}};
  return catalog;
}

// CheckValuesFitColumns of a store insert and its details (on MySQL) with these bindings, every
// column in `character_set`.
Status CheckStoreInsert(const rules::Bindings& bindings, const std::string& character_set = "") {
  auto rules = rules::LoadRuleText(
      "name: t\nparameters: {name: {}, zone: {}, details: {map: true}}\n"
      "providers: {Swift: {required_details: [key], secret_details: [key]}}\nsteps:\n"
      "  - {name: store, insert: image_store, values: {name: $name, data_center_id: $zone}}\n"
      "  - {name: details, insert_each: image_store_details, for_each: $details,\n"
      "     values: {store_id: 1, name: $key, value: $value}}\n",
      "t.yaml");
  EXPECT_TRUE(rules.ok()) << rules.status().message();
  if (!rules.ok()) return rules.status();
  rules::Catalog catalog = StoreCatalog();
  for (auto& [name, table] : catalog) {
    for (auto& column : table.columns) column.character_set = character_set;
  }
  return CheckValuesFitColumns(*rules, catalog, bindings, "mysql");
}

rules::Bindings StoreBindings(const std::string& name, int64_t zone,
                              const rules::KeyValues& details) {
  rules::Bindings bindings;
  bindings.scalars["name"] = name;
  bindings.scalars["zone"] = zone;
  bindings.maps["details"] = details;
  return bindings;
}

TEST(ColumnFit, ValuesThatFitTheirColumnsPass) {
  const Status s = CheckStoreInsert(StoreBindings("s3", 1, {{"bucket", "cs"}}));
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(ColumnFit, ATooLongParameterIsRefusedByItsNameAndTheColumnsWidth) {
  const Status s = CheckStoreInsert(StoreBindings("much-too-long", 1, {}));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "--name is 13 characters long; image_store.name (varchar(8)) holds at most 8; nothing "
            "was changed");
}

TEST(ColumnFit, ANumberOutOfTheColumnsRangeIsRefused) {
  const Status s = CheckStoreInsert(StoreBindings("s3", -1, {}));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "--zone is not a whole number from 0 to 9223372036854775807, as "
            "image_store.data_center_id (bigint(20) unsigned) needs; nothing was changed");
}

TEST(ColumnFit, ADetailIsNamedByItsKeyAndASecretsValueIsNeverShown) {
  const Status key = CheckStoreInsert(StoreBindings("s3", 1, {{"endpoint", "x"}}));
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.message(),
            "the key of --detail endpoint is 8 characters long; image_store_details.name "
            "(varchar(6)) holds at most 6; nothing was changed");
  const Status secret = CheckStoreInsert(StoreBindings("s3", 1, {{"key", "0123456789ab"}}));
  ASSERT_FALSE(secret.ok());
  EXPECT_EQ(secret.message(),
            "--detail key (as stored) is longer than image_store_details.value (varchar(10)) "
            "holds (at most 10); nothing was changed");
}

// MySQL's utf8 (utf8mb3) holds characters up to U+FFFF: one past it (4 bytes in UTF-8, an
// emoji) is refused by the parameter and the column, before the server would refuse it mid-run.
TEST(ColumnFit, ACharacterPastTheBasicPlaneIsRefusedByAUtf8mb3Column) {
  const std::string emoji = "\xF0\x9F\x98\x80";  // U+1F600
  for (const char* character_set : {"utf8", "utf8mb3"}) {
    const Status name = CheckStoreInsert(StoreBindings("s3" + emoji, 1, {}), character_set);
    ASSERT_FALSE(name.ok()) << character_set;
    EXPECT_EQ(name.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(name.message(),
              "--name is not storable in image_store.name (varchar(8)), which holds only "
              "characters up to U+FFFF (utf8mb3): its character 3 is one past U+FFFF (an emoji, "
              "say); nothing was changed");
  }
  const Status detail =
      CheckStoreInsert(StoreBindings("s3", 1, {{"bucket", "b" + emoji}}), "utf8mb3");
  ASSERT_FALSE(detail.ok());
  EXPECT_EQ(detail.message(),
            "--detail bucket is not storable in image_store_details.value (varchar(10)), which "
            "holds only characters up to U+FFFF (utf8mb3): its character 2 is one past U+FFFF (an "
            "emoji, say); nothing was changed");
  const Status secret =
      CheckStoreInsert(StoreBindings("s3", 1, {{"key", "k" + emoji + "z"}}), "utf8mb3");
  ASSERT_FALSE(secret.ok());
  EXPECT_EQ(secret.message(),
            "--detail key (as stored) is not storable in image_store_details.value (varchar(10)), "
            "which holds only characters up to U+FFFF (utf8mb3): it has one past U+FFFF (an "
            "emoji, say); nothing was changed");
  // utf8mb4, and the backends without a per-column character set, hold every character.
  for (const char* character_set : {"utf8mb4", ""}) {
    const Status s =
        CheckStoreInsert(StoreBindings("s3" + emoji, 1, {{"key", "k" + emoji}}), character_set);
    EXPECT_TRUE(s.ok()) << character_set << ": " << s.message();
  }
  // Three-byte characters (U+FFFF and below) fit utf8mb3.
  const Status bmp = CheckStoreInsert(StoreBindings("s3\xE2\x82\xAC", 1, {}), "utf8mb3");
  EXPECT_TRUE(bmp.ok()) << bmp.message();
}

}  // namespace
}  // namespace csm::apply
