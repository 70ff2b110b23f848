// Everything that differs between SQL backends, in one place per backend. The rule compiler, the
// journal and the rollback ask the dialect for these fragments and never write backend-specific SQL
// themselves.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "db/value.h"

namespace csm::db {

// Values a row digest must not see: in rows whose `key_column` holds one of `keys`, the value of
// `value_column` is digested as NULL. Secrets stored in clear are masked so: a digest of one would
// let anyone holding it confirm a guessed secret. An empty mask (no keys) masks nothing.
struct DigestMask {
  std::string key_column, value_column;
  std::vector<std::string> keys;
};

// Fragments may contain `?` placeholders passed in as `rhs`; a dialect must use each such operand
// exactly once, so that placeholders and bound values stay in step.
class Dialect {
 public:
  virtual ~Dialect() = default;

  // "sqlite", "mysql" or "postgresql": also the folder under schema/ holding this backend's DDL.
  virtual std::string name() const = 0;

  // `name` quoted as an identifier.
  virtual std::string Quote(const std::string& name) const = 0;

  // `value` as a literal of this backend, for statements people read and may run (plan previews,
  // the reconcile repair script): NULL, a number as written, text as TextLiteral.
  std::string Literal(const Value& value) const;

  // A literal that is exactly `text` when this backend runs it (its default settings or not), and
  // printable: text PrintableText leaves as it is, quoted with ' doubled; any other text (control
  // characters, bytes that are not UTF-8, and whatever the backend's quoting cannot hold as it is)
  // as its bytes in hex. Never holds a line break or a control character.
  virtual std::string TextLiteral(std::string_view text) const = 0;

  // A boolean expression: `lhs` equals `rhs`. When `text`, the comparison is case-sensitive
  // (CloudStack compares provider and role names with Java's String.equals), whatever the column's
  // collation; otherwise it must stay index-friendly.
  virtual std::string Equals(const std::string& lhs, const std::string& rhs, bool text) const = 0;

  // A boolean expression true when `lhs` differs from `rhs`, treating NULL as a distinct value
  // (NULL differs from 'SYSTEM'; NULL does not differ from NULL). Case-sensitive when `text`.
  virtual std::string DistinctFrom(const std::string& lhs, const std::string& rhs,
                                   bool text) const = 0;

  // An ORDER BY key that sorts the text `expr` by its UTF-8 bytes, the order in which S3, Swift
  // and csmigrate's NFS walker list keys, whatever the column's collation.
  virtual std::string ByteOrder(const std::string& expr) const = 0;

  // An expression producing the journal image of `columns` of the row aliased `alias`: a JSON
  // array of their values in that order (the column list is stored with the run), or another JSON
  // form the dialect reads back itself. Equal rows must give equal images.
  virtual std::string RowImage(const std::string& alias,
                               const std::vector<std::string>& columns) const = 0;

  // A short text digest of `columns` of the row aliased `alias`, `mask` applied: equal rows give
  // equal digests, different ones differ but for chance (64 bits or more). The journal keeps
  // digests of after-images: enough to tell whether a row changed since, at a fraction of the
  // bytes. A masked value is not seen: rows differing only there give equal digests.
  virtual std::string RowDigest(const std::string& alias, const std::vector<std::string>& columns,
                                const DigestMask& mask) const = 0;

  // The name of the form RowDigest computes. Each run records it (csm_run.result_json
  // "after_images"), so that its rollback digests the current rows the same way, whichever form a
  // later csmigrate computes by default.
  virtual std::string DigestForm() const { return "row_digest"; }

  // RowDigest in the recorded form `form`, or "" when this dialect has never computed that form.
  virtual std::string RowDigestOfForm(const std::string& form, const std::string& alias,
                                      const std::vector<std::string>& columns,
                                      const DigestMask& mask) const {
    return form == DigestForm() ? RowDigest(alias, columns, mask) : "";
  }

  // Column `column` of the row aliased `alias` as RowDigest sees it: the column itself, or for
  // the mask's value column, NULL in the rows the mask covers.
  std::string DigestedColumn(const std::string& alias, const std::string& column,
                             const DigestMask& mask) const;

  // An expression reading column `columns[index]` back out of an image (made by RowImage over
  // `columns`) held in `image_expr`, as the SQL value it had (JSON null as SQL NULL).
  virtual std::string FromImage(const std::string& image_expr,
                                const std::vector<std::string>& columns, size_t index) const = 0;

  // A boolean expression true when `image_expr` (a journal before-image) is not a whole image of
  // `columns` as RowImage makes them: not valid JSON, or missing some of them (a damaged journal).
  virtual std::string ImageIsIncomplete(const std::string& image_expr,
                                        const std::vector<std::string>& columns) const = 0;

  // A query selecting the name of every trigger defined on the table bound to its one `?`
  // (the backend's internal ones, e.g. PostgreSQL's foreign-key triggers, left out).
  virtual std::string TriggerNamesQuery() const = 0;

  // A statement that sets every column in `columns` of the rows of `table` from the row images held
  // in `journal_alias`.before_image, for the journal rows selected by `journal_where` (which may
  // use `journal_alias` and holds `?` placeholders; rows are matched on id = row_id).
  virtual std::string UpdateFromImages(const std::string& table,
                                       const std::vector<std::string>& columns,
                                       const std::string& journal_table,
                                       const std::string& journal_alias,
                                       const std::string& journal_where) const = 0;

  // A statement that inserts into `table` one row per journal row selected by `journal_where`,
  // with every column in `columns` taken from its before_image, in row_id order.
  virtual std::string InsertFromImages(const std::string& table,
                                       const std::vector<std::string>& columns,
                                       const std::string& journal_table,
                                       const std::string& journal_alias,
                                       const std::string& journal_where) const;

  // The join keyword that makes the planner read the table on its left first, for joins driven by
  // a work table the run has just filled (MySQL cannot refresh its statistics inside the
  // transaction, takes it for small and would scan the right table whole instead).
  virtual std::string JoinLeftFirst() const { return "JOIN"; }

  // A statement that refreshes the planner's statistics of `table` inside the open transaction
  // (after a run filled one of its work tables), or "" when the backend needs or allows none
  // there (MySQL's ANALYZE TABLE would commit implicitly).
  virtual std::string RefreshStatistics(const std::string& /*table*/) const { return ""; }

  // An expression for the database server's clock: milliseconds since the Unix epoch (UTC), read
  // when the statement runs. Work claims and worker heartbeats from many hosts compare their
  // leases against this one clock, never against each host's own.
  virtual std::string NowMillis() const = 0;

  // What follows an INSERT ... VALUES so that a row whose `key_column` (its primary key) is
  // already there is left as it is instead of failing the statement: another writer may have
  // inserted the same key a moment before (SQLite and PostgreSQL: ON CONFLICT DO NOTHING; MySQL:
  // ON DUPLICATE KEY UPDATE of the key to itself, never INSERT IGNORE, which hides other errors).
  virtual std::string OnDuplicateKeyKeep(const std::string& key_column) const {
    return " ON CONFLICT (" + key_column + ") DO NOTHING";
  }

  // What follows a SELECT so that it locks the rows it returns for the rest of the transaction and
  // passes over rows another transaction holds (FOR UPDATE SKIP LOCKED), so that workers taking
  // work at the same time never wait on each other; "" where a write transaction already holds the
  // whole database (SQLite's BEGIN IMMEDIATE: one writer at a time).
  virtual std::string LockSkippingLocked() const = 0;

  // `expr` (a placeholder or literal) given the type of the column it is stored into, where the
  // backend cannot infer it (PostgreSQL: a parameter in a SELECT list is text otherwise).
  virtual std::string Typed(const std::string& expr, const std::string& declared_type) const {
    (void)declared_type;
    return expr;
  }

 protected:
  // Whether `text` is shown as it is by PrintableText (printable, well-formed UTF-8).
  static bool IsPrintable(std::string_view text);
  // `text` between single quotes, each ' doubled.
  static std::string SingleQuoted(std::string_view text);
  // The bytes of `text` as lowercase hex digits, two per byte.
  static std::string HexDigits(std::string_view text);
};

}  // namespace csm::db
