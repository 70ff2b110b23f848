// What an object store said about a request it failed, as an error may repeat it. A server (or a
// proxy or debugging front end before it) may echo the request in its message, headers and all:
// an S3 signature beside the date and path it signed lets anyone confirm a guessed secret offline,
// a Swift token opens the account.
#pragma once

#include <string>
#include <string_view>

namespace csm {

// `message` on one line, at most 200 characters, or "" when it mentions anything a request's
// credentials travel in (a signature, an authorization, a credential, a token, a key, a secret,
// a password, an x-amz- or x-auth- header): then only the status and the error code are shown.
std::string ShownServerMessage(std::string_view message);

// An S3 error `code` ("NoSuchBucket") when it is one: letters, digits, '.', '_' and '-', at most
// 64 of them; else "".
std::string ShownErrorCode(std::string_view code);

}  // namespace csm
