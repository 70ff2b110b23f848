// The MySQL / MariaDB dialect (MariaDB 10.5+, MySQL 8): backtick quoting, BINARY for
// case-sensitive text comparisons (CloudStack's tables use case-insensitive utf8 collations),
// JSON_ARRAY row images, MD5 row digests, UPDATE ... JOIN for restores.
#pragma once

#include "db/dialect.h"

namespace csm::db {

class MysqlDialect final : public Dialect {
 public:
  // `skip_locked`: the server knows SKIP LOCKED (MariaDB 10.6+, MySQL 8.0.1+). Older ones lock
  // with a plain FOR UPDATE: still one taker per row, but a taker may wait for another.
  explicit MysqlDialect(bool skip_locked = true) : skip_locked_(skip_locked) {}

  std::string name() const override { return "mysql"; }
  std::string NowMillis() const override;
  std::string OnDuplicateKeyKeep(const std::string& key_column) const override {
    return " ON DUPLICATE KEY UPDATE " + key_column + " = " + key_column;
  }
  std::string LockSkippingLocked() const override {
    return skip_locked_ ? " FOR UPDATE SKIP LOCKED" : " FOR UPDATE";
  }
  std::string Quote(const std::string& name) const override;
  std::string TextLiteral(std::string_view text) const override;
  std::string Equals(const std::string& lhs, const std::string& rhs, bool text) const override;
  std::string ByteOrder(const std::string& expr) const override;
  std::string RowDigest(const std::string& alias, const std::vector<std::string>& columns,
                        const DigestMask& mask) const override;
  std::string DigestForm() const override { return "row_digest_quoted"; }
  std::string JoinLeftFirst() const override { return "STRAIGHT_JOIN"; }
  std::string RowDigestOfForm(const std::string& form, const std::string& alias,
                              const std::vector<std::string>& columns,
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

 private:
  bool skip_locked_;
};

}  // namespace csm::db
