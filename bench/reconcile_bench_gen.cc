// reconcile_bench_gen: the data of bench/reconcile_bench.sh (not a test). One deterministic
// layout of N objects in CloudStack's key layout (cloudstack.md §4), written three ways:
//   claims  a TSV of the rows that claim them (table, id, object_id, install_path, size), which
//           the script imports into the three store_ref tables set-based;
//   tree    the objects as files under an NFS export root (a generated secondary store);
//   upload  the objects into an S3 bucket, in parallel (one S3Store per thread), skipping the keys
//           the bucket already lists, so that a re-run against the same server is quick.
// Object i (1..N): i % 3 == 0 a template, 1 a volume, 2 a snapshot (10 per volume directory);
// its size is 1 + i % 13 bytes.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "store/s3_store.h"

namespace {

namespace fs = std::filesystem;

constexpr int64_t kMaxSize = 13;

struct BenchObject {
  const char* table;  // the store_ref table whose row claims it
  int64_t object_id;  // template_id, volume_id or snapshot_id
  std::string key;
  int64_t size;
};

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A version-4-shaped UUID that is a function of `i`, so keys sort unlike ids, as real ones do.
std::string UuidOf(int64_t i) {
  const uint64_t a = SplitMix64(static_cast<uint64_t>(i));
  const uint64_t b = SplitMix64(a);
  char text[40];
  std::snprintf(text, sizeof text, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return text;
}

// Object `i` (1-based) of the layout. Accounts group 1000 objects, so no directory of the tree
// holds more than about 1000 entries.
BenchObject ObjectAt(int64_t i) {
  const int64_t account = 2 + i / 1000;
  const std::string uuid = UuidOf(i);
  const std::string acct = std::to_string(account);
  switch (i % 3) {
    case 0: {
      const int64_t id = 200 + i;
      return {"template_store_ref", id,
              "template/tmpl/" + acct + "/" + std::to_string(id) + "/" + uuid + ".qcow2",
              1 + i % kMaxSize};
    }
    case 1:
      return {"volume_store_ref", i,
              "volumes/" + acct + "/" + std::to_string(i) + "/" + uuid + ".qcow2",
              1 + i % kMaxSize};
    default:
      return {"snapshot_store_ref", i,
              "snapshots/" + acct + "/" + std::to_string(i / 30) + "/" + uuid, 1 + i % kMaxSize};
  }
}

int WriteClaims(int64_t count, const std::string& output) {
  std::ofstream out(output, std::ios::binary);
  if (!out) {
    std::cerr << "cannot write " << output << "\n";
    return 1;
  }
  for (int64_t i = 1; i <= count; ++i) {
    const BenchObject o = ObjectAt(i);
    out << o.table << '\t' << i << '\t' << o.object_id << '\t' << o.key << '\t' << o.size << '\n';
  }
  out.close();
  return out ? 0 : 1;
}

int WriteTree(int64_t count, const std::string& root) {
  const std::string payload(kMaxSize, 'x');
  std::string last_dir;
  for (int64_t i = 1; i <= count; ++i) {
    const BenchObject o = ObjectAt(i);
    const fs::path path = fs::path(root) / o.key;
    const std::string dir = path.parent_path().string();
    if (dir != last_dir) {
      fs::create_directories(dir);
      last_dir = dir;
    }
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr ||
        std::fwrite(payload.data(), 1, static_cast<size_t>(o.size), f) !=
            static_cast<size_t>(o.size) ||
        std::fclose(f) != 0) {
      std::cerr << "cannot write " << path << "\n";
      return 1;
    }
  }
  return 0;
}

struct UploadArgs {
  int64_t count = 0;
  csm::store::S3Config config;
  int threads = 8;
  std::string scratch;  // where the local bodies (one file per size) go
};

int Upload(UploadArgs args) {
  auto lister = csm::store::S3Store::Create(args.config);
  if (!lister.ok()) {
    std::cerr << lister.status().message() << "\n";
    return 1;
  }
  std::unordered_set<std::string> present;
  const auto listed = (*lister)->List("", [&](const csm::store::ObjectInfo& o) {
    present.insert(o.key);
    return true;
  });
  if (!listed.ok()) {
    std::cerr << listed.message() << "\n";
    return 1;
  }
  std::vector<int64_t> todo;
  for (int64_t i = 1; i <= args.count; ++i) {
    if (present.count(ObjectAt(i).key) == 0) todo.push_back(i);
  }
  present.clear();
  std::cerr << "upload: " << args.count - static_cast<int64_t>(todo.size())
            << " objects already in the bucket, " << todo.size() << " to upload with "
            << args.threads << " threads\n";
  fs::create_directories(args.scratch);
  for (int64_t size = 1; size <= kMaxSize; ++size) {
    std::ofstream(args.scratch + "/" + std::to_string(size) + ".bin", std::ios::binary)
        << std::string(static_cast<size_t>(size), 'x');
  }
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::vector<std::thread> workers;
  for (int t = 0; t < args.threads; ++t) {
    workers.emplace_back([&] {
      auto store = csm::store::S3Store::Create(args.config);
      for (size_t n = next++; store.ok() && !failed && n < todo.size(); n = next++) {
        const BenchObject o = ObjectAt(todo[n]);
        const auto put = (*store)->Put(o.key, args.scratch + "/" + std::to_string(o.size) + ".bin");
        if (!put.ok()) {
          std::lock_guard lock(error_mutex);
          std::cerr << put.status().message() << "\n";
          failed = true;
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Data for bench/reconcile_bench.sh: N objects in CloudStack's layout"};
  app.require_subcommand(1);
  int64_t count = 0;
  app.add_option("--count", count, "How many objects (N)")->required()->check(CLI::PositiveNumber);

  std::string claims_file;
  auto* claims =
      app.add_subcommand("claims", "Write the claims as TSV: table id object_id key size");
  claims->add_option("--output", claims_file, "TSV file")->required();

  std::string root;
  auto* tree = app.add_subcommand("tree", "Create the objects as files under an NFS export root");
  tree->add_option("--root", root, "Export root (created)")->required();

  UploadArgs up;
  auto* upload =
      app.add_subcommand("upload", "Upload the objects the bucket lacks (path-style S3)");
  upload->add_option("--endpoint", up.config.endpoint, "http://HOST:PORT")->required();
  upload->add_option("--bucket", up.config.bucket, "An existing bucket")->required();
  upload->add_option("--access-key", up.config.access_key)->required();
  upload->add_option("--secret-key", up.config.secret_key)->required();
  upload->add_option("--threads", up.threads, "Parallel uploads")->check(CLI::Range(1, 64));
  upload->add_option("--scratch", up.scratch, "Directory for the local bodies")->required();

  CLI11_PARSE(app, argc, argv);
  try {
    if (*claims) return WriteClaims(count, claims_file);
    if (*tree) return WriteTree(count, root);
    up.count = count;
    return Upload(std::move(up));
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
