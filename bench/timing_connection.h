// A Connection decorator that times every statement sent through it, grouped by the engine step
// that was running, so that the benchmark can name the statements that dominate an apply without
// touching the engine.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "db/connection.h"

namespace csm::bench {

class TimingConnection final : public db::Connection {
 public:
  // What was measured for one statement text within one phase.
  struct Stat {
    std::string phase;
    std::string sql;
    int64_t calls = 0;
    int64_t rows = 0;  // rows changed (Execute) or returned (Query, ForEachRow)
    double seconds = 0;
  };

  // Forwards everything to `inner`, which must outlive this object.
  explicit TimingConnection(db::Connection& inner) : inner_(inner) {}

  // Names the statements run since the previous call (or since construction) `label`, e.g. "step
  // 3 stage live template rows" from an on_step callback; later statements form a new phase.
  void ClosePhase(const std::string& label);

  // Everything measured, in the order each (phase, sql) pair was first seen. Statements of the
  // phase still open are labelled `open_label`.
  std::vector<Stat> Stats(const std::string& open_label) const;

  const db::Dialect& dialect() const override { return inner_.dialect(); }
  Result<int64_t> Execute(const std::string& sql, const std::vector<db::Value>& params) override;
  Result<int64_t> LastInsertId() override { return inner_.LastInsertId(); }
  Result<db::QueryResult> Query(const std::string& sql,
                                const std::vector<db::Value>& params) override;
  Status ForEachRow(const std::string& sql, const std::vector<db::Value>& params,
                    const std::function<bool(const db::Row&)>& on_row) override;
  Status ExecuteScript(const std::string& sql) override;
  Status Begin() override;
  Status Commit() override;
  Status Rollback() override;
  Result<bool> TryAdvisoryLock(const std::string& name) override;
  Status ReleaseAdvisoryLock(const std::string& name) override;
  Result<db::TableSchema> DescribeTable(const std::string& table) override;
  std::string Describe() const override { return inner_.Describe(); }

 private:
  using Clock = std::chrono::steady_clock;
  void Record(const std::string& sql, Clock::time_point start, int64_t rows);

  db::Connection& inner_;
  size_t phase_ = 0;
  std::vector<std::string> labels_;  // of the closed phases
  std::map<std::pair<size_t, std::string>, size_t> index_;
  std::vector<std::pair<size_t, Stat>> stats_;  // phase number, stat (phase label filled later)
};

}  // namespace csm::bench
