// Helpers for the object-store tests: the Swift all-in-one of tools/swift-server.sh, whose URL is
// in $CSM_TEST_SWIFT_URL (native API with TempAuth test:tester/testing, S3 API with the same
// credentials), scratch containers, local files, and collecting listings.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "store/http_client.h"
#include "store/object_store.h"
#include "store/s3_store.h"
#include "store/swift_store.h"

namespace csm::test {

// The Swift proxy URL from $CSM_TEST_SWIFT_URL, or nullopt when it is not set.
std::optional<std::string> SwiftUrl();

// Declares `var` (the Swift URL), or skips the test when there is none (fails it when
// $CSM_TEST_REQUIRE_SERVERS is set).
#define CSM_REQUIRE_SWIFT(var)                                                            \
  const std::optional<std::string> var##_found = ::csm::test::SwiftUrl();                 \
  if (!var##_found) {                                                                     \
    if (std::getenv("CSM_TEST_REQUIRE_SERVERS") != nullptr) {                             \
      FAIL() << "CSM_TEST_SWIFT_URL is not set but CSM_TEST_REQUIRE_SERVERS is";          \
    }                                                                                     \
    GTEST_SKIP() << "CSM_TEST_SWIFT_URL is not set (tools/swift-server.sh starts Swift)"; \
  }                                                                                       \
  const std::string& var = *var##_found

// Retries fast enough for tests: 10 ms first wait, 3 attempts, 3 s stall timeout.
store::HttpClientOptions FastRetries();

// An S3 configuration for `bucket` on the Swift all-in-one at `url` (test:tester/testing).
store::S3Config SwiftS3Config(const std::string& url, const std::string& bucket);

// A native Swift configuration for the all-in-one at `url` (TempAuth <account>:tester/testing;
// tools/swift-server.sh creates the accounts test, reconcile and push).
store::SwiftConfig SwiftNativeConfig(const std::string& url, const std::string& account = "test");

// `prefix` followed by a random suffix, for buckets and containers that no other run uses.
std::string UniqueName(const std::string& prefix);

// Sends an S3 request signed for test:tester to the all-in-one at `url`: `method` on `key` in
// `bucket` ("" for the bucket itself) with `query` and `body`. For what S3Store does not do, such
// as starting a multipart upload and leaving it unfinished.
Result<store::HttpResponse> SendS3(const std::string& url, const std::string& bucket,
                                   const std::string& method, const std::string& key,
                                   const store::NameValues& query, const std::string& body = "");

// An exclusive hold on Swift account `account` (tools/swift-server.sh's "reconcile") of the
// all-in-one at `url`, for tests in parallel processes that need the account to themselves:
// CloudStack's container names are fixed (T-<template id>...) and its template sync lists every
// T- container of the account. Waits for a lock file in the temp directory, then deletes every
// object of the account; released when the object dies.
class ExclusiveSwiftAccount {
 public:
  ExclusiveSwiftAccount(const std::string& url, const std::string& account);
  ~ExclusiveSwiftAccount();
  ExclusiveSwiftAccount(const ExclusiveSwiftAccount&) = delete;
  ExclusiveSwiftAccount& operator=(const ExclusiveSwiftAccount&) = delete;

 private:
  int lock_ = -1;
};

// Creates container (= S3 bucket) `name` on the all-in-one at `url`; fails the test on error.
void CreateContainer(const std::string& url, const std::string& name);

// Makes container `name` hold exactly the objects "obj-00000" .. "obj-<count-1>" of one byte
// each, writing them (4 connections in parallel) unless they are already there (a lock file in
// the temp directory makes parallel test processes write them once).
void PopulateContainer(const std::string& url, const std::string& name, int count);

// Writes `content` to `path`; fails the test on error.
void WriteFile(const std::string& path, const std::string& content);

// `size` bytes of a fixed pseudo-random pattern.
std::string PatternBytes(size_t size);

// The whole object at `key`, or the error.
Result<std::string> ReadObject(store::ObjectStore& store, const std::string& key);

// Every object `store` lists under `prefix`, or the error.
Result<std::vector<store::ObjectInfo>> ListAll(store::ObjectStore& store,
                                               const std::string& prefix);

// The keys of `objects`, in order.
std::vector<std::string> Keys(const std::vector<store::ObjectInfo>& objects);

}  // namespace csm::test
