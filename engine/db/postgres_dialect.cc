#include "db/postgres_dialect.h"

#include "db/value.h"

namespace csm::db {

// A backslash is literal in a quoted string only with standard_conforming_strings on (the default
// since 9.1), so text holding one is decoded from hex too, which reads the same either way; text
// that is not UTF-8 fails there, as PostgreSQL stores none.
std::string PostgresDialect::TextLiteral(std::string_view text) const {
  if (IsPrintable(text) && text.find('\\') == std::string_view::npos) return SingleQuoted(text);
  return "convert_from(decode('" + HexDigits(text) + "', 'hex'), 'UTF8')";
}

std::string PostgresDialect::Quote(const std::string& name) const {
  std::string quoted = "\"";
  for (char c : name) {
    quoted += c;
    if (c == '"') quoted += '"';
  }
  return quoted + "\"";
}

// PostgreSQL compares text case-sensitively with its default collations.
// A masked column is overwritten in the row's jsonb (|| replaces a key) before it is digested.
std::string PostgresDialect::RowDigest(const std::string& alias,
                                       const std::vector<std::string>& columns,
                                       const DigestMask& mask) const {
  // A jsonb string: the journal's image columns are jsonb on PostgreSQL.
  (void)columns;  // the digest form covers the whole row: to_jsonb of it, whatever RowImage does
  const std::string row = mask.keys.empty()
                              ? "to_jsonb(" + alias + ")"
                              : "to_jsonb(" + alias + ") || jsonb_build_object(" +
                                    ToSqlLiteral(mask.value_column) + ", " +
                                    DigestedColumn(alias, mask.value_column, mask) + ")";
  return "to_jsonb(md5((" + row + ")::text))";
}

std::string PostgresDialect::NowMillis() const {
  // clock_timestamp(), not now(): now() stays at the start of the transaction.
  return "CAST(FLOOR(EXTRACT(EPOCH FROM clock_timestamp()) * 1000) AS BIGINT)";
}

std::string PostgresDialect::ByteOrder(const std::string& expr) const {
  return expr + " COLLATE \"C\"";
}

std::string PostgresDialect::Equals(const std::string& lhs, const std::string& rhs, bool) const {
  return lhs + " = " + rhs;
}

std::string PostgresDialect::DistinctFrom(const std::string& lhs, const std::string& rhs,
                                          bool) const {
  return lhs + " IS DISTINCT FROM " + rhs;
}

// A JSON object of `columns` (FromImage reads it by name, so images of every column and narrow
// images of updated rows read alike), built with jsonb_build_object; to_jsonb of the whole row
// when they are more than its 100 arguments allow (vm_template has more columns than that).
std::string PostgresDialect::RowImage(const std::string& alias,
                                      const std::vector<std::string>& columns) const {
  constexpr size_t kMaxColumns = 50;
  if (columns.size() > kMaxColumns) return "to_jsonb(" + alias + ")";
  std::string expr = "jsonb_build_object(";
  for (size_t i = 0; i < columns.size(); ++i) {
    expr += (i > 0 ? ", " : "") + ToSqlLiteral(columns[i]) + ", " + alias + "." + Quote(columns[i]);
  }
  return expr + ")";
}

// The images are jsonb objects by column name (valid JSON by the column's type).
std::string PostgresDialect::ImageIsIncomplete(const std::string& image_expr,
                                               const std::vector<std::string>& columns) const {
  std::string names;
  for (const auto& column : columns) names += (names.empty() ? "" : ", ") + ToSqlLiteral(column);
  return "(jsonb_typeof(" + image_expr + ") <> 'object' OR NOT jsonb_exists_all(" + image_expr +
         ", ARRAY[" + names + "]::text[]))";
}

// Left out too: the triggers of csm_autoincrement_id (schema/postgresql/*.sql), which give the
// identity ids MySQL's AUTO_INCREMENT semantics by moving the sequence and change no row.
std::string PostgresDialect::TriggerNamesQuery() const {
  return "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN "
         "pg_namespace n ON n.oid = c.relnamespace JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT "
         "t.tgisinternal AND p.proname <> 'csm_autoincrement_id' AND c.relname = ? AND "
         "n.nspname = current_schema() ORDER BY t.tgname";
}

std::string PostgresDialect::FromImage(const std::string& image_expr,
                                       const std::vector<std::string>& columns,
                                       size_t index) const {
  return "(" + image_expr + " ->> '" + columns[index] + "')";
}

std::string PostgresDialect::UpdateFromImages(const std::string& table,
                                              const std::vector<std::string>& columns,
                                              const std::string& journal_table,
                                              const std::string& journal_alias,
                                              const std::string& journal_where) const {
  std::string targets, values;
  for (const auto& c : columns) {
    targets += (targets.empty() ? "" : ", ") + Quote(c);
    values += (values.empty() ? "" : ", ") + std::string("img.") + Quote(c);
  }
  return "UPDATE " + Quote(table) + " SET (" + targets + ") = ROW(" + values + ") FROM " +
         journal_table + " " + journal_alias + ", jsonb_populate_record(NULL::" + Quote(table) +
         ", " + journal_alias + ".before_image) img WHERE " + journal_alias +
         ".row_id = " + Quote(table) + ".id AND " + journal_where;
}

std::string PostgresDialect::InsertFromImages(const std::string& table,
                                              const std::vector<std::string>& columns,
                                              const std::string& journal_table,
                                              const std::string& journal_alias,
                                              const std::string& journal_where) const {
  std::string targets, values;
  for (const auto& c : columns) {
    targets += (targets.empty() ? "" : ", ") + Quote(c);
    values += (values.empty() ? "" : ", ") + std::string("img.") + Quote(c);
  }
  return "INSERT INTO " + Quote(table) + " (" + targets + ") SELECT " + values + " FROM " +
         journal_table + " " + journal_alias + ", jsonb_populate_record(NULL::" + Quote(table) +
         ", " + journal_alias + ".before_image) img WHERE " + journal_where + " ORDER BY " +
         journal_alias + ".row_id";
}

std::string PostgresDialect::Typed(const std::string& expr,
                                   const std::string& declared_type) const {
  return declared_type.empty() ? expr : "CAST(" + expr + " AS " + declared_type + ")";
}

// ANALYZE may run in a transaction block, and counts the rows the transaction itself inserted:
// without it the planner sees a work table filled moments ago as empty.
std::string PostgresDialect::RefreshStatistics(const std::string& table) const {
  return "ANALYZE " + Quote(table);
}

}  // namespace csm::db
