#include <gtest/gtest.h>

#include "db/statement.h"

namespace csm::db {
namespace {

TEST(Statement, BindsEachPlaceholderInTheOrderItIsWritten) {
  Statement inner;
  inner.Append("b = ").Bind(int64_t{2});
  Statement sql;
  sql.Append("SELECT 1 WHERE a = ").Bind(std::string("one")).Append(" AND ").Append(inner);
  sql.Append(" AND c = ?").Param(3.5);
  EXPECT_EQ(sql.text, "SELECT 1 WHERE a = ? AND b = ? AND c = ?");
  EXPECT_EQ(sql.Values(), (std::vector<Value>{std::string("one"), int64_t{2}, 3.5}));
}

TEST(Statement, KeepsWhatOnlyARunKnowsForResolveParams) {
  Statement sql;
  sql.Append("run_id = ").BindRunId().Append(" AND x = ");
  sql.Bind(StatementParam{StatementParam::Kind::kBinding, {}, "zone", true});
  ASSERT_EQ(sql.params.size(), 2u);
  EXPECT_EQ(sql.params[0].kind, StatementParam::Kind::kRunId);
  EXPECT_EQ(sql.params[1].binding, "zone");
  EXPECT_TRUE(sql.params[1].secret);
  EXPECT_FALSE(sql.empty());
}

}  // namespace
}  // namespace csm::db
