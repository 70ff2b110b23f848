#include "store_test_support.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "common/digest.h"
#include "common/uri.h"

namespace csm::test {
namespace {

// A token and storage URL for test:tester on the all-in-one at `url`.
std::pair<std::string, std::string> TempAuth(store::HttpClient& client, const std::string& url) {
  store::HttpRequest request;
  request.url = url + "/auth/v1.0";
  request.headers = {{"X-Auth-User", "test:tester"}, {"X-Auth-Key", "testing"}};
  auto response = client.Send(request);
  EXPECT_TRUE(response.ok()) << response.status().message();
  if (!response.ok()) return {};
  EXPECT_EQ(response->status, 200);
  return {response->Header("x-auth-token"), response->Header("x-storage-url")};
}

}  // namespace

std::optional<std::string> SwiftUrl() {
  const char* url = std::getenv("CSM_TEST_SWIFT_URL");
  if (url == nullptr || *url == '\0') return std::nullopt;
  return std::string(url);
}

store::HttpClientOptions FastRetries() {
  store::HttpClientOptions options;
  options.first_backoff = std::chrono::milliseconds(10);
  options.max_attempts = 3;
  options.stall_timeout = std::chrono::seconds(3);
  return options;
}

store::S3Config SwiftS3Config(const std::string& url, const std::string& bucket) {
  store::S3Config config;
  config.endpoint = url;
  config.bucket = bucket;
  config.access_key = "test:tester";
  config.secret_key = "testing";
  return config;
}

store::SwiftConfig SwiftNativeConfig(const std::string& url, const std::string& account) {
  store::SwiftConfig config;
  config.credentials.auth_url = url + "/auth/v1.0";
  config.credentials.account = account;
  config.credentials.username = "tester";
  config.credentials.key = "testing";
  return config;
}

std::string UniqueName(const std::string& prefix) {
  std::random_device random;
  return prefix + "-" + std::to_string(random() % 1000000000);
}

Result<store::HttpResponse> SendS3(const std::string& url, const std::string& bucket,
                                   const std::string& method, const std::string& key,
                                   const store::NameValues& query, const std::string& body) {
  const std::string host = url.substr(url.find("://") + 3);
  store::SigV4Request to_sign;
  to_sign.method = method;
  to_sign.host = host;
  to_sign.path = "/" + bucket + (key.empty() ? "" : "/" + UriEncode(key, true));
  to_sign.query = query;
  to_sign.payload_hash = Sha256Hex(body);
  store::HttpRequest request;
  request.method = method;
  request.url = url + to_sign.path;
  if (!query.empty()) request.url += "?" + store::CanonicalQuery(query);
  request.headers = store::SignV4(to_sign, {"test:tester", "testing", "us-east-1"},
                                  store::AmzDate(std::chrono::system_clock::now()));
  request.headers.emplace_back("Host", host);
  request.body = body;
  store::HttpClient client(FastRetries());
  return client.Send(request);
}

ExclusiveSwiftAccount::ExclusiveSwiftAccount(const std::string& url, const std::string& account) {
  const std::string lock_path =
      (std::filesystem::temp_directory_path() / ("csm-swift-account-" + account + ".lock"))
          .string();
  lock_ = open(lock_path.c_str(), O_CREAT | O_RDWR, 0600);
  if (lock_ < 0 || flock(lock_, LOCK_EX) != 0) {
    ADD_FAILURE() << "cannot lock " << lock_path;
    return;
  }
  auto store = store::SwiftStore::Create(SwiftNativeConfig(url, account));
  if (!store.ok()) {
    ADD_FAILURE() << store.status().message();
    return;
  }
  auto all = ListAll(**store, "");
  if (!all.ok()) {
    ADD_FAILURE() << all.status().message();
    return;
  }
  for (const auto& object : *all) {
    const Status deleted = (*store)->Delete(object.key);
    EXPECT_TRUE(deleted.ok()) << object.key;
  }
}

ExclusiveSwiftAccount::~ExclusiveSwiftAccount() {
  if (lock_ >= 0) close(lock_);
}

void CreateContainer(const std::string& url, const std::string& name) {
  store::HttpClient client;
  const auto [token, storage_url] = TempAuth(client, url);
  store::HttpRequest request;
  request.method = "PUT";
  request.url = storage_url + "/" + name;
  request.headers = {{"X-Auth-Token", token}};
  auto response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.status().message();
  ASSERT_TRUE(response->status == 201 || response->status == 202) << response->status;
}

void PopulateContainer(const std::string& url, const std::string& name, int count) {
  // Test processes run in parallel: the first one writes, the others wait and then find the
  // objects there.
  const std::string lock_path =
      (std::filesystem::temp_directory_path() / ("csm-populate-" + name + ".lock")).string();
  const int lock = open(lock_path.c_str(), O_CREAT | O_RDWR, 0600);
  ASSERT_GE(lock, 0) << "cannot open " << lock_path;
  ASSERT_EQ(flock(lock, LOCK_EX), 0);
  struct Unlock {
    int fd;
    ~Unlock() { close(fd); }
  } unlock{lock};
  store::HttpClient client;
  const auto [token, storage_url] = TempAuth(client, url);
  store::HttpRequest head;
  head.method = "HEAD";
  head.url = storage_url + "/" + name;
  head.headers = {{"X-Auth-Token", token}};
  auto existing = client.Send(head);
  ASSERT_TRUE(existing.ok()) << existing.status().message();
  if (existing->status == 204 &&
      existing->Header("x-container-object-count") == std::to_string(count)) {
    return;
  }
  CreateContainer(url, name);
  constexpr int kConnections = 4;
  std::vector<std::thread> writers;
  for (int w = 0; w < kConnections; ++w) {
    writers.emplace_back([&, w] {
      store::HttpClient writer;
      char key[32];
      for (int i = w; i < count; i += kConnections) {
        std::snprintf(key, sizeof key, "obj-%05d", i);
        store::HttpRequest put;
        put.method = "PUT";
        put.url = storage_url + "/" + name + "/" + key;
        put.headers = {{"X-Auth-Token", token}};
        put.body = "x";
        auto response = writer.Send(put);
        EXPECT_TRUE(response.ok() && response->status == 201) << key;
      }
    });
  }
  for (auto& writer : writers) writer.join();
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

std::string PatternBytes(size_t size) {
  std::string bytes(size, '\0');
  std::mt19937 random(42);
  for (char& c : bytes) c = static_cast<char>(random());
  return bytes;
}

Result<std::string> ReadObject(store::ObjectStore& store, const std::string& key) {
  std::string content;
  Status got = store.Get(key, [&](std::string_view chunk) {
    content.append(chunk);
    return Status::Ok();
  });
  if (!got.ok()) return got;
  return content;
}

Result<std::vector<store::ObjectInfo>> ListAll(store::ObjectStore& store,
                                               const std::string& prefix) {
  std::vector<store::ObjectInfo> objects;
  Status listed = store.List(prefix, [&](const store::ObjectInfo& info) {
    objects.push_back(info);
    return true;
  });
  if (!listed.ok()) return listed;
  return objects;
}

std::vector<std::string> Keys(const std::vector<store::ObjectInfo>& objects) {
  std::vector<std::string> keys;
  for (const auto& object : objects) keys.push_back(object.key);
  return keys;
}

}  // namespace csm::test
