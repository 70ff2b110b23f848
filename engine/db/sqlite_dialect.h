// The SQLite dialect (3.33+ for UPDATE ... FROM; the JSON1 functions are built in since 3.38).
#pragma once

#include "db/dialect.h"

namespace csm::db {

class SqliteDialect final : public Dialect {
 public:
  std::string name() const override { return "sqlite"; }
  std::string Quote(const std::string& name) const override;
  std::string TextLiteral(std::string_view text) const override;
  std::string Equals(const std::string& lhs, const std::string& rhs, bool text) const override;
  std::string NowMillis() const override;
  std::string LockSkippingLocked() const override { return ""; }
  std::string ByteOrder(const std::string& expr) const override;
  std::string RowDigest(const std::string& alias, const std::vector<std::string>& columns,
                        const DigestMask& mask) const override;
  std::string DistinctFrom(const std::string& lhs, const std::string& rhs,
                           bool text) const override;
  std::string RowImage(const std::string& alias,
                       const std::vector<std::string>& columns) const override;
  std::string ImageIsIncomplete(const std::string& image_expr,
                                const std::vector<std::string>& columns) const override;
  std::string TriggerNamesQuery() const override;
  std::string FromImage(const std::string& image_expr, const std::vector<std::string>& columns,
                        size_t index) const override;
  std::string UpdateFromImages(const std::string& table, const std::vector<std::string>& columns,
                               const std::string& journal_table, const std::string& journal_alias,
                               const std::string& journal_where) const override;
};

}  // namespace csm::db
