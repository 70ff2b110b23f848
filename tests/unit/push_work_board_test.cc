// push::WorkBoard on SQLite, in-process: units offered once; a unit taken by one worker is held for
// the others until its claim runs out or its holder's process is gone; finishing needs the claim;
// releasing gives it back (counted as an attempt or not); a finished unit found again later opens
// again; ReadBoardStatus adds it all up. And UnitKey, TransientConflict, DrainProgress.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "common/process_name.h"
#include "db/database_url.h"
#include "db/transaction.h"
#include "db/transient_conflict.h"
#include "push/board_status.h"
#include "push/drain_progress.h"
#include "push/work_board.h"
#include "test_support.h"

namespace csm::push {
namespace {

PushUnit Volume(int64_t id, int64_t bytes) {
  PushItem item;
  item.kind = ObjectKind::kVolume;
  item.object_id = id;
  item.volume_id = id;
  item.object_store_id = 2;
  item.copies.push_back({id, 1, "volumes/2/" + std::to_string(id) + "/v.qcow2", bytes, {}, ""});
  PushUnit unit;
  unit.items.push_back(item);
  return unit;
}

class WorkBoardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto url = db::ParseDatabaseUrl("sqlite://" + dir_.File("cloud.db"));
    ASSERT_TRUE(url.ok());
    auto conn = db::OpenDatabase(*url, true);
    ASSERT_TRUE(conn.ok()) << conn.status().message();
    conn_ = std::move(*conn);
    units_ = {Volume(41, 100), Volume(42, 200), Volume(43, 300)};
  }

  WorkBoard Join(const std::string& holder, int lease_seconds = 60) {
    auto board = WorkBoard::Join(*conn_, {holder, "drain", 2, std::nullopt},
                                 std::chrono::seconds(lease_seconds));
    EXPECT_TRUE(board.ok()) << board.status().message();
    return std::move(*board);
  }

  std::vector<std::string> Keys() {
    std::vector<std::string> keys;
    for (const auto& unit : units_) keys.push_back(UnitKey(unit));
    return keys;
  }

  std::string Row(const std::string& key) {
    auto rows =
        conn_->Query("SELECT state, holder, claims FROM csm_claim WHERE unit_key = ?", {key});
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    if (!rows.ok() || rows->rows.empty()) return "none";
    return db::ToDisplay(rows->rows[0][0]) + " " + db::ToDisplay(rows->rows[0][1]) + " " +
           db::ToDisplay(rows->rows[0][2]);
  }

  test::ScratchDir dir_;
  std::unique_ptr<db::Connection> conn_;
  std::vector<PushUnit> units_;
};

TEST(UnitKeyTest, NamesTheKindTheObjectStoreAndTheObject) {
  EXPECT_EQ(UnitKey(Volume(41, 1)), "volume/2/41");
  PushUnit chain;
  for (int64_t snapshot : {11, 12}) {
    PushItem item;
    item.kind = ObjectKind::kSnapshot;
    item.object_id = snapshot;
    item.volume_id = 31;
    item.object_store_id = 3;
    chain.items.push_back(item);
  }
  EXPECT_EQ(UnitKey(chain), "snapshot/3/31") << "a chain is one unit: its volume";
}

TEST_F(WorkBoardTest, AUnitTakenByOneWorkerIsHeldForTheOther) {
  WorkBoard a = Join("host-a:1");
  WorkBoard b = Join("host-b:2");
  ASSERT_TRUE(a.Offer(units_, 0).ok());
  ASSERT_TRUE(b.Offer(units_, 0).ok()) << "offering again adds nothing";
  EXPECT_EQ(Row(Keys()[0]), "open NULL 0");

  auto took = a.Take(Keys(), 2);
  ASSERT_TRUE(took.ok()) << took.status().message();
  ASSERT_EQ(took->taken.size(), 2u);
  EXPECT_FALSE(took->taken[0].earlier_attempt) << "a first claim";
  EXPECT_EQ(took->passed_over, std::vector<std::string>{Keys()[2]});

  auto other = b.Take(Keys(), 3);
  ASSERT_TRUE(other.ok());
  ASSERT_EQ(other->taken.size(), 1u);
  EXPECT_EQ(other->taken[0].key, Keys()[2]);
  EXPECT_EQ(other->held_elsewhere, (std::vector<std::string>{Keys()[0], Keys()[1]}));

  // Only the holder can finish a unit.
  {
    auto t = db::Transaction::Begin(*conn_);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(b.FinishInTransaction(Keys()[0]).code(), ErrorCode::kConflict);
    EXPECT_TRUE(a.FinishInTransaction(Keys()[0]).ok());
    ASSERT_TRUE(t->Commit().ok());
  }
  EXPECT_EQ(Row(Keys()[0]), "done host-a:1 1");
  auto after = b.Take({Keys()[0]}, 1);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->finished, std::vector<std::string>{Keys()[0]});
}

TEST_F(WorkBoardTest, AClaimThatRunsOutIsTakenOverAsAnEarlierAttempt) {
  WorkBoard a = Join("host-a:1", 1);
  WorkBoard b = Join("host-b:2");
  ASSERT_TRUE(a.Offer(units_, 0).ok());
  ASSERT_TRUE(a.Take({Keys()[0]}, 1).ok());
  auto held = b.Take({Keys()[0]}, 1);
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(held->held_elsewhere.size(), 1u) << "a's claim is alive";
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto taken = b.Take({Keys()[0]}, 1);
  ASSERT_TRUE(taken.ok());
  ASSERT_EQ(taken->taken.size(), 1u) << "a never renewed: its claim ran out";
  EXPECT_TRUE(taken->taken[0].earlier_attempt);
  EXPECT_EQ(Row(Keys()[0]), "claimed host-b:2 2");
  // a's late attempt to record it fails; the unit is b's.
  EXPECT_EQ(a.FinishInTransaction(Keys()[0]).code(), ErrorCode::kConflict);
}

TEST_F(WorkBoardTest, RenewingKeepsAClaimAlive) {
  WorkBoard a = Join("host-a:1", 1);
  WorkBoard b = Join("host-b:2");
  ASSERT_TRUE(a.Offer(units_, 0).ok());
  ASSERT_TRUE(a.Take({Keys()[0]}, 1).ok());
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    ASSERT_TRUE(a.Renew({}).ok());
  }
  auto held = b.Take({Keys()[0]}, 1);
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(held->held_elsewhere.size(), 1u) << "renewed every 0.4 s for 1.6 s: still a's";
}

TEST_F(WorkBoardTest, AClaimOfAGoneProcessOfThisHostIsTakenOverAtOnce) {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  int status = 0;
  waitpid(child, &status, 0);
  WorkBoard gone = Join(HostName() + ":" + std::to_string(child));
  WorkBoard b = Join("host-b:2");
  ASSERT_TRUE(gone.Offer(units_, 0).ok());
  ASSERT_TRUE(gone.Take({Keys()[0]}, 1).ok());
  auto taken = b.Take({Keys()[0]}, 1);
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(taken->taken.size(), 1u) << "its process no longer exists: no need to wait";
}

TEST_F(WorkBoardTest, ReleaseCountsTheAttemptOnlyWhenTheUploadBegan) {
  WorkBoard a = Join("host-a:1");
  ASSERT_TRUE(a.Offer(units_, 0).ok());
  ASSERT_TRUE(a.Take(Keys(), 2).ok());
  ASSERT_TRUE(a.Release(Keys()[0], false).ok());
  ASSERT_TRUE(a.Release(Keys()[1], true).ok());
  EXPECT_EQ(Row(Keys()[0]), "open host-a:1 0") << "never started: no earlier attempt";
  EXPECT_EQ(Row(Keys()[1]), "open host-a:1 1");
  auto again = a.Take(Keys(), 3);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->taken.size(), 3u);
  EXPECT_FALSE(again->taken[0].earlier_attempt);
  EXPECT_TRUE(again->taken[1].earlier_attempt);
  ASSERT_TRUE(a.Leave("stopped", {}).ok());
  EXPECT_EQ(Row(Keys()[2]), "open host-a:1 1") << "leaving gives back what it held";
}

TEST_F(WorkBoardTest, AFinishedUnitFoundAgainLaterOpensAgainButNotOneFinishedSince) {
  WorkBoard a = Join("host-a:1");
  ASSERT_TRUE(a.Offer(units_, 0).ok());
  ASSERT_TRUE(a.Take({Keys()[0], Keys()[1]}, 2).ok());
  ASSERT_TRUE(a.Fail(Keys()[1], "no Ready copy").ok());
  {
    auto t = db::Transaction::Begin(*conn_);
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE(a.FinishInTransaction(Keys()[0]).ok());
    ASSERT_TRUE(t->Commit().ok());
  }
  auto before = a.Now();
  ASSERT_TRUE(before.ok());
  // Units found before they finished: left alone.
  ASSERT_TRUE(a.Offer(units_, *before - 60000).ok());
  EXPECT_EQ(Row(Keys()[0]), "done host-a:1 1");
  EXPECT_EQ(Row(Keys()[1]), "failed host-a:1 1");
  // Found again after they finished: there is work again.
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto later = a.Now();
  ASSERT_TRUE(later.ok());
  ASSERT_TRUE(a.Offer(units_, *later).ok());
  EXPECT_EQ(Row(Keys()[0]), "open host-a:1 1");
  EXPECT_EQ(Row(Keys()[1]), "open host-a:1 1");
}

TEST_F(WorkBoardTest, StatusAddsUpTheWorkersAndTheUnits) {
  EXPECT_EQ(ReadBoardStatus(*conn_).status().code(), ErrorCode::kNotFound);
  WorkBoard a = Join("host-a:1");
  ASSERT_TRUE(a.Offer(units_, 0).ok());
  ASSERT_TRUE(a.Take(Keys(), 2).ok());
  {
    auto t = db::Transaction::Begin(*conn_);
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE(a.FinishInTransaction(Keys()[1]).ok());
    ASSERT_TRUE(t->Commit().ok());
  }
  ASSERT_TRUE(a.Renew({1, 0, 200}).ok());
  auto status = ReadBoardStatus(*conn_);
  ASSERT_TRUE(status.ok()) << status.status().message();
  ASSERT_EQ(status->workers.size(), 1u);
  EXPECT_TRUE(status->workers[0].alive);
  EXPECT_EQ(status->workers[0].units_pushed, 1);
  ASSERT_EQ(status->workers[0].claims.size(), 1u);
  EXPECT_EQ(status->workers[0].claims[0].key, Keys()[0]);
  EXPECT_EQ(status->units_done, 1);
  EXPECT_EQ(status->bytes_done, 200);
  EXPECT_EQ(status->units_left, 2);
  EXPECT_EQ(status->bytes_left, 400);
  EXPECT_EQ(status->units_claimed, 1);
  EXPECT_GT(status->bytes_per_second, 0);
  ASSERT_TRUE(status->eta_seconds.has_value());
  ASSERT_TRUE(a.Leave("finished", {1, 0, 200}).ok());
  auto left = ReadBoardStatus(*conn_);
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->workers.size(), 1u) << "seen in the last hour";
  EXPECT_FALSE(left->workers[0].alive);
  EXPECT_EQ(left->units_claimed, 0);
}

TEST(TransientConflictTest, TellsAnotherWriterFromEverythingElse) {
  EXPECT_TRUE(db::IsTransientConflict(Status(ErrorCode::kDatabase, "sqlite: database is locked")));
  EXPECT_TRUE(db::IsTransientConflict(
      Status(ErrorCode::kDatabase, "mysql: Deadlock found when trying to get lock")));
  EXPECT_TRUE(db::IsTransientConflict(
      Status(ErrorCode::kDatabase, "could not serialize access due to concurrent update")));
  EXPECT_FALSE(db::IsTransientConflict(Status(ErrorCode::kDatabase, "server has gone away")));
  EXPECT_FALSE(db::IsTransientConflict(Status(ErrorCode::kIo, "database is locked")));
  int attempts = 0;
  const Status s = db::RetryOnConflict([&] {
    ++attempts;
    return attempts < 3 ? Status(ErrorCode::kDatabase, "database is locked") : Status::Ok();
  });
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(attempts, 3);
  attempts = 0;
  EXPECT_EQ(db::RetryOnConflict([&] {
              ++attempts;
              return Status(ErrorCode::kDatabase, "no such table");
            }).code(),
            ErrorCode::kDatabase);
  EXPECT_EQ(attempts, 1) << "anything else is not retried";
}

TEST(DrainProgressTest, UnitsOtherWorkersFinishAreNeitherLeftNorThisWorkersRate) {
  DrainProgress progress(3, 6000);
  progress.Done(1000);
  progress.Elsewhere(3000);
  EXPECT_EQ(progress.Line(1.0),
            "drain: 1 done, 0 failed, 1 by other workers, 1 left of 3 units, 1000 B of 5.9 KiB, "
            "1000 B/s, ETA 2 s");
}

}  // namespace
}  // namespace csm::push
