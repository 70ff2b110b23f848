// push::WorkBoard on MariaDB and PostgreSQL with many workers at once, each on its own connection:
// offering the same units together adds each once (another worker's insert of a key between a
// worker's read and its insert is kept, not an error), and taking them together gives each unit
// to exactly one worker (SELECT ... FOR UPDATE SKIP LOCKED).
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <thread>

#include "db/engine_tables.h"
#include "push/work_board.h"
#include "server_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

constexpr int kWorkers = 8;
constexpr int kUnits = 400;

std::vector<push::PushUnit> Units() {
  std::vector<push::PushUnit> units;
  for (int i = 0; i < kUnits; ++i) {
    push::PushItem item;
    item.kind = push::ObjectKind::kVolume;
    item.object_id = item.volume_id = 1000 + i;
    item.object_store_id = 2;
    item.copies.push_back({i, 1, "volumes/2/x", 100, {}, ""});
    push::PushUnit unit;
    unit.items.push_back(item);
    units.push_back(unit);
  }
  return units;
}

class WorkBoardServer : public ::testing::TestWithParam<std::string> {};

TEST_P(WorkBoardServer, ManyWorkersOfferAndTakeTheSameUnitsAtOnceEachUnitOnce) {
  CSM_REQUIRE_SERVER(backend, GetParam());
  ScratchDatabase db(backend);
  const std::vector<push::PushUnit> units = Units();
  std::vector<std::string> keys;
  for (const auto& unit : units) keys.push_back(push::UnitKey(unit));
  ASSERT_TRUE(push::WorkBoard::Join(db.conn(), {"setup:0", "drain", 1, std::nullopt},
                                    std::chrono::seconds(60))
                  .ok());

  std::mutex mutex;
  std::map<std::string, int> taken_by;  // key -> worker
  std::vector<std::string> errors;
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      auto conn = Connect(db.url());
      auto board = push::WorkBoard::Join(*conn, {"host:" + std::to_string(w), "drain", 4, {}},
                                         std::chrono::seconds(60));
      Status s = board.ok() ? board->Offer(units, 0) : board.status();
      for (size_t at = 0; s.ok() && at < keys.size();) {
        const std::vector<std::string> batch(
            keys.begin() + static_cast<std::ptrdiff_t>(at),
            keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), at + 16)));
        auto took = board->Take(batch, 4);
        if (!took.ok()) {
          s = took.status();
          break;
        }
        at += batch.size() - took->passed_over.size();
        std::lock_guard lock(mutex);
        for (const auto& claim : took->taken) {
          if (!taken_by.emplace(claim.key, w).second) errors.push_back("taken twice: " + claim.key);
        }
      }
      if (!s.ok()) {
        std::lock_guard lock(mutex);
        errors.push_back(s.message());
      }
    });
  }
  for (auto& t : workers) t.join();
  EXPECT_EQ(errors, std::vector<std::string>{});
  auto rows = db.conn().Query(std::string("SELECT COUNT(*), COUNT(DISTINCT holder) FROM ") +
                                  db::kClaimTable + " WHERE state = 'claimed'",
                              {});
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(db::AsInteger(rows->rows[0][0]).value_or(-1), kUnits) << "each unit offered once";
  // A unit skipped as locked by a worker still taking it counts as held: every key was taken by
  // someone, and by one worker only.
  EXPECT_EQ(taken_by.size(), static_cast<size_t>(kUnits));
  EXPECT_GT(db::AsInteger(rows->rows[0][1]).value_or(0), 1) << "the workers shared them";
}

TEST_P(WorkBoardServer, AnInsertOfAKeyAnotherWorkerJustInsertedKeepsTheirRow) {
  CSM_REQUIRE_SERVER(backend, GetParam());
  ScratchDatabase db(backend);
  ASSERT_TRUE(
      push::WorkBoard::Join(db.conn(), {"a:1", "drain", 1, std::nullopt}, std::chrono::seconds(60))
          .ok());
  const std::string insert =
      std::string("INSERT INTO ") + db::kClaimTable +
      " (unit_key, description, bytes, state, holder, claims, expires_ms, updated_ms, message) "
      "VALUES (?, ?, 1, 'claimed', ?, 1, 0, 0, NULL)" +
      db.conn().dialect().OnDuplicateKeyKeep("unit_key");
  ASSERT_TRUE(
      db.conn()
          .Execute(insert, {std::string("volume/2/1"), std::string("first"), std::string("a:1")})
          .ok());
  auto again = db.conn().Execute(
      insert, {std::string("volume/2/1"), std::string("second"), std::string("b:2")});
  ASSERT_TRUE(again.ok()) << again.status().message();
  auto row = db.conn().Query(std::string("SELECT description, holder FROM ") + db::kClaimTable, {});
  ASSERT_TRUE(row.ok());
  ASSERT_EQ(row->rows.size(), 1u);
  EXPECT_EQ(db::ToDisplay(row->rows[0][0]), "first");
  EXPECT_EQ(db::ToDisplay(row->rows[0][1]), "a:1");
}

INSTANTIATE_TEST_SUITE_P(Servers, WorkBoardServer, ::testing::Values("mysql", "postgresql"));

}  // namespace
}  // namespace csm::test
