// The cloud the push and drain tests work on: fixtures/basic-s3 plus two more snapshots of volume
// 31 (a delta chain 11, 12, 13), converted by `csmigrate apply` to an object store of the Swift
// all-in-one (or of a fake server); the NFS export of staging store 1 holds every staging file,
// with physical_size the files' real sizes (template 3000 bytes, volume 2000, snapshots 1100,
// 1200 and 1300: 8600 bytes in 3 units).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "test_support.h"

namespace csm::test {

inline constexpr const char* kUnique = "201-2-3f0c1e8a-6b2d-3c4e-9f10-1a2b3c4d5e6f";
inline constexpr const char* kTemplateFile = "201-2-3f0c1e8a-6b2d-3c4e-9f10-1a2b3c4d5e6f.qcow2";
inline constexpr const char* kVolumeFile = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d.qcow2";
// Snapshot 11 (KVM, no suffix) and its delta chain 12, 13 (XenServer: the files have .vhd).
inline const std::map<int64_t, std::string> kSnapshotFiles = {
    {11, "7c2a9e1f-0b3d-4c5e-9f6a-1b2c3d4e5f60"},
    {12, "snap-12"},
    {13, "snap-13"},
};

class PushDrain : public ::testing::Test {
 protected:
  // Loads the cloud, stages its files (the template's `template_size` bytes) and converts it with
  // `store_args` (the apply arguments naming the object store).
  void Convert(const std::vector<std::string>& store_args, int64_t template_size = 3000);

  // Writes `size` bytes at `key` of the export and records the size in row `row` of `table`.
  void Stage(const std::string& key, int64_t size, const std::string& table, int64_t row);

  // `command` on the cloud with --nfs-root 1=<export> and --quiet, then `extra`.
  std::vector<std::string> Args(const std::string& command, std::vector<std::string> extra);

  // Runs Args(command, extra).
  CommandResult Run(const std::string& command, std::vector<std::string> extra = {});

  // The placeholders left, and the staging pins, as one comparable line.
  std::string Pins();

  // Reconcile of everything: exit 0 means every row matches its object and no pin is left over.
  void ExpectReconcileClean();

  ScratchDir dir_;
  std::string db_ = dir_.File("cloud.db");
  std::string nfs_ = dir_.File("nfs");
};

// The apply arguments of an S3 store: `bucket` on the all-in-one at `url` (test:tester/testing).
std::vector<std::string> S3Store(const std::string& url, const std::string& bucket);

// The apply arguments of a native Swift store: account "push" of the all-in-one at `url`.
std::vector<std::string> SwiftNative(const std::string& url);

}  // namespace csm::test
