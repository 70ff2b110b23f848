// Keystone v3 password authentication: the request csmigrate sends and the answer it reads.
#include "store/swift_auth.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace csm::store {
namespace {

SwiftCredentials Credentials() {
  SwiftCredentials credentials;
  credentials.auth_url = "https://keystone.example:5000/v3/";
  credentials.account = "cloudstack";
  credentials.username = "ssvm";
  credentials.key = "s3cr3t-password";
  return credentials;
}

const char* kTokenBody = R"({"token": {
  "methods": ["password"], "expires_at": "2030-01-01T00:00:00.000000Z",
  "project": {"id": "p1", "name": "cloudstack", "domain": {"id": "default", "name": "Default"}},
  "catalog": [
    {"type": "identity", "name": "keystone", "endpoints": [
      {"interface": "public", "region": "RegionOne", "url": "https://keystone.example:5000/v3"}]},
    {"type": "object-store", "name": "swift", "endpoints": [
      {"interface": "internal", "region": "RegionOne", "url": "http://10.0.0.5:8080/v1/AUTH_p1"},
      {"interface": "public", "region": "RegionOne",
       "url": "https://swift.example:8080/v1/AUTH_p1/"}]}]}})";

TEST(KeystoneV3, RequestIsAProjectScopedPasswordAuth) {
  const HttpRequest request = KeystoneV3Request(Credentials());
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "https://keystone.example:5000/v3/auth/tokens");
  EXPECT_EQ(request.headers[0],
            (std::pair<std::string, std::string>{"Content-Type", "application/json"}));
  const auto body = nlohmann::json::parse(request.body);
  EXPECT_EQ(body["auth"]["identity"]["methods"], nlohmann::json::array({"password"}));
  const auto& user = body["auth"]["identity"]["password"]["user"];
  EXPECT_EQ(user["name"], "ssvm");
  EXPECT_EQ(user["password"], "s3cr3t-password");
  EXPECT_EQ(user["domain"]["name"], "Default");
  EXPECT_EQ(body["auth"]["scope"]["project"]["name"], "cloudstack");
  EXPECT_EQ(body["auth"]["scope"]["project"]["domain"]["name"], "Default");
}

TEST(KeystoneV3, ResponseGivesTheTokenAndThePublicObjectStoreUrl) {
  HttpResponse response;
  response.status = 201;
  response.headers = {{"x-subject-token", "gAAAAAB-token"}};
  response.body = kTokenBody;
  auto session = ParseKeystoneV3Response(response, Credentials());
  ASSERT_TRUE(session.ok()) << session.status().message();
  EXPECT_EQ(session->token, "gAAAAAB-token");
  EXPECT_EQ(session->storage_url, "https://swift.example:8080/v1/AUTH_p1");
}

TEST(KeystoneV3, BadAnswersAreErrorsThatKeepThePasswordOut) {
  HttpResponse refused;
  refused.status = 401;
  refused.body = R"({"error": {"code": 401, "title": "Unauthorized"}})";
  auto rejected = ParseKeystoneV3Response(refused, Credentials());
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(rejected.status().message(),
            "Keystone at https://keystone.example:5000/v3/ rejected user ssvm of project "
            "cloudstack in domain Default (HTTP 401): check account/username/key");

  HttpResponse no_swift;
  no_swift.status = 201;
  no_swift.headers = {{"x-subject-token", "t"}};
  no_swift.body = R"({"token": {"catalog": [{"type": "identity", "endpoints": []}]}})";
  EXPECT_EQ(ParseKeystoneV3Response(no_swift, Credentials()).status().code(),
            ErrorCode::kInvalidArgument);

  HttpResponse no_token = no_swift;
  no_token.headers.clear();
  no_token.body = kTokenBody;
  EXPECT_EQ(ParseKeystoneV3Response(no_token, Credentials()).status().code(), ErrorCode::kIo);

  HttpResponse garbage = no_swift;
  garbage.body = R"({"token": {"catalog": [)";
  EXPECT_EQ(ParseKeystoneV3Response(garbage, Credentials()).status().code(), ErrorCode::kIo);

  for (const auto& r : {refused, no_swift, no_token, garbage}) {
    const auto parsed = ParseKeystoneV3Response(r, Credentials());
    EXPECT_EQ(parsed.status().message().find("s3cr3t"), std::string::npos);
  }
}

}  // namespace
}  // namespace csm::store
