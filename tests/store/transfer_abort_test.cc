// Stopping transfers in flight (TransferAbort): an upload the fault proxy holds in front of the
// Swift all-in-one ends as soon as its abort is aborted, with "transfer stopped: <reason>", and is
// not retried; nothing more is sent through a client whose abort is aborted.
#include "store/transfer_abort.h"

#include <gtest/gtest.h>

#include <future>
#include <memory>

#include "fault_proxy.h"
#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

// Fast retries, and a stall timeout long enough that only the abort can end a held upload soon.
store::HttpClientOptions Watching(std::shared_ptr<store::TransferAbort> abort) {
  store::HttpClientOptions http = FastRetries();
  http.stall_timeout = std::chrono::seconds(20);
  http.abort = std::move(abort);
  return http;
}

void ExpectStopped(const Status& status, const std::string& reason) {
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), ErrorCode::kIo);
  EXPECT_EQ(status.message().find(std::string(store::kTransferStopped) + reason), 0u)
      << status.message();
}

TEST(TransferAbort, AHeldS3UploadStopsAtOnceAndIsNotRetried) {
  CSM_REQUIRE_SWIFT(url);
  FaultProxy proxy(url);
  const std::string bucket = UniqueName("csm-abort");
  CreateContainer(url, bucket);
  auto abort = std::make_shared<store::TransferAbort>();
  store::S3Config config = SwiftS3Config(proxy.url(), bucket);
  config.http = Watching(abort);
  auto s3 = store::S3Store::Create(config);
  ASSERT_TRUE(s3.ok()) << s3.status().message();
  ScratchDir dir;
  WriteFile(dir.File("f"), PatternBytes(200000));

  proxy.Add(FaultRule::Stall(1000).For("PUT"));
  auto put = std::async(std::launch::async, [&] { return (*s3)->Put("held", dir.File("f")); });
  ASSERT_TRUE(proxy.WaitForHeld());
  abort->Abort("a second signal");
  const auto stopped = put.get();
  ExpectStopped(stopped.status(), "a second signal");
  EXPECT_NE(stopped.status().message().find("PUT "), std::string::npos);
  EXPECT_EQ(proxy.Count("PUT", "/held"), 1) << "a stopped transfer is not retried";

  // Nothing more goes out through that client, and nothing was stored.
  proxy.Clear();
  proxy.Release(false);
  ExpectStopped((*s3)->Head("held").status(), "a second signal");
  EXPECT_EQ(proxy.Count("HEAD"), 0);
  config.http.abort = nullptr;
  auto fresh = store::S3Store::Create(config);
  ASSERT_TRUE(fresh.ok());
  auto head = (*fresh)->Head("held");
  ASSERT_TRUE(head.ok()) << head.status().message();
  EXPECT_FALSE(*head) << "a stopped upload must not be stored";
}

TEST(TransferAbort, AHeldSwiftUploadStopsWhenItsWorkersLeaseRunsOut) {
  CSM_REQUIRE_SWIFT(url);
  FaultProxy proxy(url);
  const std::string container = UniqueName("csm-abort");
  CreateContainer(url, container);
  // The process's abort, and one worker's under it: the worker's deadline (its lease) passes.
  auto process = std::make_shared<store::TransferAbort>();
  auto worker = std::make_shared<store::TransferAbort>(process);
  store::SwiftConfig config = SwiftNativeConfig(proxy.url(), "test");
  config.http = Watching(worker);
  auto swift = store::SwiftStore::Create(config);
  ASSERT_TRUE(swift.ok()) << swift.status().message();
  ScratchDir dir;
  WriteFile(dir.File("f"), PatternBytes(200000));

  proxy.Add(FaultRule::Stall(1000).For("PUT"));
  auto put = std::async(std::launch::async,
                        [&] { return (*swift)->Put(container + "/held", dir.File("f")); });
  ASSERT_TRUE(proxy.WaitForHeld());
  worker->SetDeadline(store::TransferAbort::Clock::now(), "the lease on unit 7 was not renewed");
  ExpectStopped(put.get().status(), "the lease on unit 7 was not renewed");
  EXPECT_EQ(proxy.Count("PUT", "/held"), 1) << "a stopped transfer is not retried";
  EXPECT_FALSE(process->aborted()) << "a worker's abort is its own";
}

}  // namespace
}  // namespace csm::test
