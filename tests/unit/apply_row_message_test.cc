// apply::FormatRowMessage: a require_none or report message with the row's values filled in.
#include <gtest/gtest.h>

#include "apply/row_message.h"

namespace csm::apply {
namespace {

TEST(RowMessage, FillsEachPlaceholderFromTheRowAndEveryOccurrenceOfIt) {
  const db::Row row = {int64_t{7}, std::string("tmpl-a"), db::Value{}};
  EXPECT_EQ(FormatRowMessage("row {id} holds {name}; {name} again, removed {removed}",
                             {"id", "name", "removed"}, row),
            "row 7 holds tmpl-a; tmpl-a again, removed NULL");
}

TEST(RowMessage, LeavesPlaceholdersThatNameNoColumnAsWritten) {
  EXPECT_EQ(FormatRowMessage("{id} {not a column} {nme}", {"id"}, {int64_t{1}}),
            "1 {not a column} {nme}");
  EXPECT_EQ(FormatRowMessage("no placeholders", {"id"}, {int64_t{1}}), "no placeholders");
}

TEST(RowMessage, AValueHoldingItsOwnPlaceholderIsNotExpandedAgain) {
  EXPECT_EQ(FormatRowMessage("{name}/{name}", {"name"}, {std::string("{name}")}), "{name}/{name}");
}

TEST(RowMessage, UsesOnlyColumnsTheRowHasValuesFor) {
  EXPECT_EQ(FormatRowMessage("{id} {name}", {"id", "name"}, {int64_t{3}}), "3 {name}");
}

}  // namespace
}  // namespace csm::apply
