// Authentication to a Swift cluster, as CloudStack stores it: the image store's url is the auth
// URL, its details account/username/key the credentials. TempAuth v1.0 (and Swift's other v1.0
// auth middlewares) for most URLs; Keystone v3 password authentication when the URL ends in /v3.
#pragma once

#include <string>

#include "common/result.h"
#include "store/http_client.h"

namespace csm::store {

struct SwiftCredentials {
  // v1.0: e.g. "http://host:8080/auth/v1.0"; Keystone v3: e.g. "http://host:5000/v3".
  std::string auth_url;
  std::string account;  // v1.0: the account (X-Auth-User is account:username); v3: the project
  std::string username;
  std::string key;                 // the password; never shown in messages or logs
  std::string domain = "Default";  // v3: the domain of both the user and the project
};

// A token and the account's storage URL ("http://host:8080/v1/AUTH_test", no trailing '/').
struct SwiftSession {
  std::string token;  // never shown in messages or logs
  std::string storage_url;
};

// Keystone v3 password authentication scoped to the project: POST {auth_url}/auth/tokens.
HttpRequest KeystoneV3Request(const SwiftCredentials& credentials);

// The session in Keystone's answer to KeystoneV3Request: the X-Subject-Token header and the
// public URL of the first object-store endpoint of the catalog. A refused credential is
// kInvalidArgument; an answer without a token, with invalid JSON or without an object-store
// endpoint is an error too.
Result<SwiftSession> ParseKeystoneV3Response(const HttpResponse& response,
                                             const SwiftCredentials& credentials);

// Authenticates with the protocol that auth_url names (a URL ending in /v2.0 is refused:
// Keystone v2 is not supported).
Result<SwiftSession> SwiftAuthenticate(HttpClient& client, const SwiftCredentials& credentials);

}  // namespace csm::store
