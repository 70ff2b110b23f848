#include "timing_connection.h"

namespace csm::bench {

void TimingConnection::ClosePhase(const std::string& label) {
  labels_.push_back(label);
  ++phase_;
}

std::vector<TimingConnection::Stat> TimingConnection::Stats(const std::string& open_label) const {
  std::vector<Stat> out;
  for (const auto& [phase, stat] : stats_) {
    out.push_back(stat);
    out.back().phase = phase < labels_.size() ? labels_[phase] : open_label;
  }
  return out;
}

void TimingConnection::Record(const std::string& sql, Clock::time_point start, int64_t rows) {
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  auto key = std::make_pair(phase_, sql);
  auto it = index_.find(key);
  if (it == index_.end()) {
    it = index_.emplace(key, stats_.size()).first;
    stats_.push_back({phase_, Stat{"", sql, 0, 0, 0}});
  }
  Stat& stat = stats_[it->second].second;
  ++stat.calls;
  stat.rows += rows;
  stat.seconds += seconds;
}

Result<int64_t> TimingConnection::Execute(const std::string& sql,
                                          const std::vector<db::Value>& params) {
  const auto start = Clock::now();
  auto result = inner_.Execute(sql, params);
  Record(sql, start, result.ok() ? *result : 0);
  return result;
}

Result<db::QueryResult> TimingConnection::Query(const std::string& sql,
                                                const std::vector<db::Value>& params) {
  const auto start = Clock::now();
  auto result = inner_.Query(sql, params);
  Record(sql, start, result.ok() ? static_cast<int64_t>(result->rows.size()) : 0);
  return result;
}

Status TimingConnection::ForEachRow(const std::string& sql, const std::vector<db::Value>& params,
                                    const std::function<bool(const db::Row&)>& on_row) {
  const auto start = Clock::now();
  int64_t rows = 0;
  Status s = inner_.ForEachRow(sql, params, [&](const db::Row& row) {
    ++rows;
    return on_row(row);
  });
  Record(sql, start, rows);
  return s;
}

Status TimingConnection::ExecuteScript(const std::string& sql) {
  const auto start = Clock::now();
  Status s = inner_.ExecuteScript(sql);
  Record(sql.size() > 60 ? "(script) " + sql.substr(0, 60) : sql, start, 0);
  return s;
}

Status TimingConnection::Begin() {
  const auto start = Clock::now();
  Status s = inner_.Begin();
  Record("BEGIN", start, 0);
  return s;
}

Status TimingConnection::Commit() {
  const auto start = Clock::now();
  Status s = inner_.Commit();
  Record("COMMIT", start, 0);
  return s;
}

Status TimingConnection::Rollback() {
  const auto start = Clock::now();
  Status s = inner_.Rollback();
  Record("ROLLBACK", start, 0);
  return s;
}

Result<bool> TimingConnection::TryAdvisoryLock(const std::string& name) {
  const auto start = Clock::now();
  auto result = inner_.TryAdvisoryLock(name);
  Record("(advisory lock " + name + ")", start, 0);
  return result;
}

Status TimingConnection::ReleaseAdvisoryLock(const std::string& name) {
  const auto start = Clock::now();
  Status s = inner_.ReleaseAdvisoryLock(name);
  Record("(advisory unlock " + name + ")", start, 0);
  return s;
}

Result<db::TableSchema> TimingConnection::DescribeTable(const std::string& table) {
  const auto start = Clock::now();
  auto result = inner_.DescribeTable(table);
  Record("(describe " + table + ")", start, 0);
  return result;
}

}  // namespace csm::bench
