#include "store/swift_auth.h"

#include <nlohmann/json.hpp>

namespace csm::store {
namespace {

std::string WithoutTrailingSlashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

bool EndsWith(const std::string& url, const std::string& suffix) {
  return WithoutTrailingSlashes(url).ends_with(suffix);
}

std::string V1User(const SwiftCredentials& credentials) {
  return credentials.account.empty() ? credentials.username
                                     : credentials.account + ":" + credentials.username;
}

// The string member `name` of JSON object `value`, or "".
std::string StringMember(const nlohmann::json& value, const char* name) {
  if (!value.is_object()) return "";
  const auto it = value.find(name);
  return it != value.end() && it->is_string() ? it->get<std::string>() : "";
}

// The array member `name` of JSON object `value`, or an empty array.
const nlohmann::json& ArrayMember(const nlohmann::json& value, const char* name) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  if (!value.is_object()) return kEmpty;
  const auto it = value.find(name);
  return it != value.end() && it->is_array() ? *it : kEmpty;
}

Result<SwiftSession> TempAuth(HttpClient& client, const SwiftCredentials& credentials) {
  HttpRequest request;
  request.url = credentials.auth_url;
  request.headers = {{"X-Auth-User", V1User(credentials)}, {"X-Auth-Key", credentials.key}};
  CSM_ASSIGN_OR_RETURN(HttpResponse response, client.Send(request));
  const std::string where = "Swift auth at " + credentials.auth_url;
  if (response.status == 401 || response.status == 403) {
    return Status(ErrorCode::kInvalidArgument, where + " rejected user " + V1User(credentials) +
                                                   " (HTTP " + std::to_string(response.status) +
                                                   "): check account/username/key");
  }
  if (response.status != 200 && response.status != 204) {
    return Status(ErrorCode::kIo, where + " failed: HTTP " + std::to_string(response.status));
  }
  SwiftSession session;
  session.token = response.Header("x-auth-token");
  if (session.token.empty()) session.token = response.Header("x-storage-token");
  session.storage_url = WithoutTrailingSlashes(response.Header("x-storage-url"));
  if (session.token.empty() || session.storage_url.empty()) {
    return Status(ErrorCode::kIo, where + " answered without X-Auth-Token and X-Storage-Url");
  }
  return session;
}

}  // namespace

HttpRequest KeystoneV3Request(const SwiftCredentials& credentials) {
  const nlohmann::json domain = {{"name", credentials.domain}};
  const nlohmann::json body = {
      {"auth",
       {{"identity",
         {{"methods", {"password"}},
          {"password",
           {{"user",
             {{"name", credentials.username},
              {"domain", domain},
              {"password", credentials.key}}}}}}},
        {"scope", {{"project", {{"name", credentials.account}, {"domain", domain}}}}}}}};
  HttpRequest request;
  request.method = "POST";
  request.url = WithoutTrailingSlashes(credentials.auth_url) + "/auth/tokens";
  request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
  request.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return request;
}

Result<SwiftSession> ParseKeystoneV3Response(const HttpResponse& response,
                                             const SwiftCredentials& credentials) {
  const std::string where = "Keystone at " + credentials.auth_url;
  if (response.status == 401 || response.status == 403) {
    return Status(ErrorCode::kInvalidArgument,
                  where + " rejected user " + credentials.username + " of project " +
                      credentials.account + " in domain " + credentials.domain + " (HTTP " +
                      std::to_string(response.status) + "): check account/username/key");
  }
  if (response.status != 200 && response.status != 201) {
    return Status(ErrorCode::kIo, where + " failed: HTTP " + std::to_string(response.status));
  }
  SwiftSession session;
  session.token = response.Header("x-subject-token");
  if (session.token.empty()) {
    return Status(ErrorCode::kIo, where + " answered without an X-Subject-Token");
  }
  const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_discarded()) return Status(ErrorCode::kIo, where + " answered invalid JSON");
  const nlohmann::json token = body.is_object() ? body.value("token", nlohmann::json()) : nullptr;
  for (const auto& service : ArrayMember(token, "catalog")) {
    if (StringMember(service, "type") != "object-store") continue;
    for (const auto& endpoint : ArrayMember(service, "endpoints")) {
      if (StringMember(endpoint, "interface") != "public") continue;
      session.storage_url = WithoutTrailingSlashes(StringMember(endpoint, "url"));
      if (!session.storage_url.empty()) return session;
    }
  }
  return Status(
      ErrorCode::kInvalidArgument,
      where + " lists no public object-store endpoint for project " + credentials.account);
}

Result<SwiftSession> SwiftAuthenticate(HttpClient& client, const SwiftCredentials& credentials) {
  if (EndsWith(credentials.auth_url, "/v2.0")) {
    return Status(ErrorCode::kInvalidArgument,
                  "Keystone v2.0 (" + credentials.auth_url +
                      ") is not supported: give the Keystone v3 URL (ending in /v3)");
  }
  if (!EndsWith(credentials.auth_url, "/v3")) return TempAuth(client, credentials);
  CSM_ASSIGN_OR_RETURN(HttpResponse response, client.Send(KeystoneV3Request(credentials)));
  return ParseKeystoneV3Response(response, credentials);
}

}  // namespace csm::store
