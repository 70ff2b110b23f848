// SwiftStore against the in-test fake server: token expiry, transient errors, damaged listings,
// broken connections, and Keystone v3 authentication end to end.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "fake_http_server.h"
#include "store/swift_store.h"
#include "store_test_support.h"

namespace csm::test {
namespace {

const char* kAccount = "/v1/AUTH_fake";

// A fake Swift: TempAuth at /auth/v1.0 hands out "tok-1", "tok-2", ...; every other request goes
// to `storage` (with the target relative to the account).
struct FakeSwift {
  explicit FakeSwift(
      std::function<std::string(const FakeRequest&, const std::string& path)> storage)
      : server([this, storage](const FakeRequest& r) {
          if (r.target == "/auth/v1.0") {
            return HttpReply(200, "",
                             {{"X-Auth-Token", "tok-" + std::to_string(++tokens)},
                              {"X-Storage-Url", server.url() + kAccount}});
          }
          return storage(r, r.target.substr(std::string(kAccount).size()));
        }) {}

  std::unique_ptr<store::SwiftStore> Store(int listing_limit = 10000) {
    store::SwiftConfig config;
    config.credentials.auth_url = server.url() + "/auth/v1.0";
    config.credentials.account = "acct";
    config.credentials.username = "user";
    config.credentials.key = "fake-key-777";
    config.listing_limit = listing_limit;
    config.http = FastRetries();
    auto store = store::SwiftStore::Create(config);
    EXPECT_TRUE(store.ok()) << store.status().message();
    return std::move(*store);
  }

  std::atomic<int> tokens = 0;
  FakeHttpServer server;
};

std::string Objects(const std::vector<std::string>& names) {
  nlohmann::json page = nlohmann::json::array();
  for (const auto& name : names) {
    page.push_back({{"name", name},
                    {"bytes", 1},
                    {"hash", "9dd4e461268c8034f5c8564e155c67a6"},
                    {"last_modified", "2026-11-25T10:34:58.905560"}});
  }
  return HttpReply(200, page.dump(), {{"Content-Type", "application/json"}});
}

TEST(SwiftStoreFaults, AnExpiredTokenIsRenewedOnce) {
  std::atomic<int> listings = 0;
  FakeSwift swift([&](const FakeRequest& r, const std::string&) {
    if (++listings == 1) return HttpReply(401, "<html><h1>Unauthorized</h1></html>");
    EXPECT_EQ(r.Header("x-auth-token"), "tok-2");
    return Objects({"a"});
  });
  auto store = swift.Store();
  auto listed = ListAll(*store, "T-1/");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  EXPECT_EQ(Keys(*listed), std::vector<std::string>{"T-1/a"});
  EXPECT_EQ(swift.tokens, 2);
  const auto requests = swift.server.requests();
  EXPECT_EQ(requests[0].Header("x-auth-user"), "acct:user");
  EXPECT_EQ(requests[0].Header("x-auth-key"), "fake-key-777");
}

TEST(SwiftStoreFaults, ATokenRefusedAgainAfterRenewalIsInvalidArgument) {
  FakeSwift swift([&](const FakeRequest&, const std::string&) { return HttpReply(401, ""); });
  auto store = swift.Store();
  Status listed = store->List("T-1/", [](const store::ObjectInfo&) { return true; });
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(listed.message().find("even after authenticating again"), std::string::npos)
      << listed.message();
  EXPECT_EQ(listed.message().find("fake-key-777"), std::string::npos);
  EXPECT_EQ(listed.message().find("tok-"), std::string::npos);
  EXPECT_EQ(swift.tokens, 2);
}

TEST(SwiftStoreFaults, A503IsRetriedAndMarkerPagingCompletes) {
  std::atomic<int> calls = 0;
  FakeSwift swift([&](const FakeRequest&, const std::string& path) {
    if (++calls == 1) return HttpReply(503, "");
    if (path == "/T-1?format=json&limit=2") return Objects({"a", "b"});
    if (path == "/T-1?format=json&limit=2&marker=b") return Objects({"c d"});
    return HttpReply(400, "unexpected " + path);
  });
  auto store = swift.Store(2);
  auto listed = ListAll(*store, "T-1/");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  EXPECT_EQ(Keys(*listed), (std::vector<std::string>{"T-1/a", "T-1/b", "T-1/c d"}));
  EXPECT_EQ((*listed)[0].etag, "9dd4e461268c8034f5c8564e155c67a6");
  EXPECT_EQ((*listed)[0].last_modified, "2026-11-25T10:34:58.905560");
}

TEST(SwiftStoreFaults, ContainersAreVisitedInKeyOrder) {
  FakeSwift swift([&](const FakeRequest&, const std::string& path) {
    if (path == "?format=json&limit=10000&prefix=T-1") {  // Swift's order: by container name
      return HttpReply(200, R"([{"name": "T-1", "count": 1, "bytes": 1},
                                {"name": "T-1-old", "count": 1, "bytes": 1},
                                {"name": "T-10", "count": 1, "bytes": 1}])");
    }
    return Objects({"x"});
  });
  auto store = swift.Store();
  auto listed = ListAll(*store, "T-1");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  EXPECT_EQ(Keys(*listed), (std::vector<std::string>{"T-1-old/x", "T-1/x", "T-10/x"}));
}

TEST(SwiftStoreFaults, InvalidJsonIsAnErrorNotAnEmptyListing) {
  for (const std::string body :
       {"[{\"name\": \"a\", \"bytes\": 1}, {\"na", "{}", "", "[{\"name\": \"a\"}]"}) {
    FakeSwift swift([&](const FakeRequest&, const std::string&) { return HttpReply(200, body); });
    auto store = swift.Store();
    auto listed = ListAll(*store, "T-1/");
    ASSERT_FALSE(listed.ok()) << body;
    EXPECT_EQ(listed.status().code(), ErrorCode::kIo);
  }
}

TEST(SwiftStoreFaults, AConnectionClosedMidListingIsAnError) {
  FakeSwift swift([&](const FakeRequest&, const std::string& path) {
    if (path.find("marker=") == std::string::npos) return Objects({"a", "b"});
    return std::string("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n[{\"name\": \"c\"");
  });
  auto store = swift.Store(2);
  std::vector<std::string> seen;
  Status listed = store->List("T-1/", [&](const store::ObjectInfo& o) {
    seen.push_back(o.key);
    return true;
  });
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.code(), ErrorCode::kIo);
  EXPECT_EQ(seen, (std::vector<std::string>{"T-1/a", "T-1/b"}));
}

TEST(SwiftStoreFaults, KeystoneV3TokenAndCatalogEndpointAreUsed) {
  std::string storage_url;
  FakeHttpServer server([&](const FakeRequest& r) {
    if (r.method == "POST" && r.target == "/identity/v3/auth/tokens") {
      const nlohmann::json catalog = {
          {"token",
           {{"catalog",
             {{{"type", "object-store"},
               {"endpoints",
                {{{"interface", "admin"}, {"url", "http://admin.invalid/v1"}},
                 {{"interface", "public"}, {"url", storage_url}}}}}}}}}};
      return HttpReply(201, catalog.dump(), {{"X-Subject-Token", "ks-token"}});
    }
    if (r.target == "/swift/v1/AUTH_p/T-9?format=json&limit=10000" &&
        r.Header("x-auth-token") == "ks-token") {
      return Objects({"template.properties"});
    }
    return HttpReply(400, "unexpected " + r.method + " " + r.target);
  });
  storage_url = server.url() + "/swift/v1/AUTH_p";
  store::SwiftConfig config;
  config.credentials.auth_url = server.url() + "/identity/v3";
  config.credentials.account = "cloudstack";
  config.credentials.username = "ssvm";
  config.credentials.key = "pw";
  config.http = FastRetries();
  auto store = store::SwiftStore::Create(config);
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto listed = ListAll(**store, "T-9/");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  EXPECT_EQ(Keys(*listed), std::vector<std::string>{"T-9/template.properties"});
  const auto body = nlohmann::json::parse(server.requests()[0].body);
  EXPECT_EQ(body["auth"]["scope"]["project"]["name"], "cloudstack");
}

TEST(SwiftStoreConfig, SettingsAndKeysAreChecked) {
  store::SwiftConfig config;
  config.credentials.auth_url = "swift.local:8080/auth/v1.0";
  config.credentials.account = "a";
  config.credentials.username = "u";
  config.credentials.key = "k";
  EXPECT_EQ(store::SwiftStore::Create(config).status().code(), ErrorCode::kInvalidArgument);
  config.credentials.auth_url = "http://swift.local:8080/auth/v1.0";
  config.credentials.account = "";
  EXPECT_EQ(store::SwiftStore::Create(config).status().code(), ErrorCode::kInvalidArgument);
  config.credentials.account = "a";
  auto store = store::SwiftStore::Create(config);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->Describe(), "swift://a at http://swift.local:8080/auth/v1.0");
  for (const std::string bad : {"", "container", "/object", "container/"}) {
    EXPECT_EQ((*store)->Head(bad).status().code(), ErrorCode::kInvalidArgument) << bad;
  }
  config.segment_size = 1000;
  EXPECT_EQ(store::SwiftStore::Create(config).status().code(), ErrorCode::kInvalidArgument);
  config.segment_size = 1 << 20;
  config.credentials.auth_url = "http://keystone.local:5000/v2.0";
  auto v2 = store::SwiftStore::Create(config);
  ASSERT_TRUE(v2.ok());
  Status refused = (*v2)->List("", [](const store::ObjectInfo&) { return true; });
  EXPECT_EQ(refused.code(), ErrorCode::kInvalidArgument) << refused.message();
}

}  // namespace
}  // namespace csm::test
