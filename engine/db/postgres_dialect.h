// The PostgreSQL dialect (14+): double-quoted identifiers, IS DISTINCT FROM, jsonb row images
// (to_jsonb of the whole row), and restores through jsonb_populate_record, which gives every
// column back its own type.
#pragma once

#include "db/dialect.h"

namespace csm::db {

class PostgresDialect final : public Dialect {
 public:
  std::string name() const override { return "postgresql"; }
  std::string NowMillis() const override;
  std::string LockSkippingLocked() const override { return " FOR UPDATE SKIP LOCKED"; }
  std::string Quote(const std::string& name) const override;
  std::string TextLiteral(std::string_view text) const override;
  std::string Equals(const std::string& lhs, const std::string& rhs, bool text) const override;
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
  std::string InsertFromImages(const std::string& table, const std::vector<std::string>& columns,
                               const std::string& journal_table, const std::string& journal_alias,
                               const std::string& journal_where) const override;
  std::string Typed(const std::string& expr, const std::string& declared_type) const override;
  std::string RefreshStatistics(const std::string& table) const override;
};

}  // namespace csm::db
