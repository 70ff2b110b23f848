// The head of an HTTP/1.1 message (start line and header fields, up to the blank line), as the
// test servers read it off a socket: parsed, looked up and written back.
#pragma once

#include <string>
#include <string_view>

#include "store/sigv4.h"

namespace csm::test {

struct HttpHead {
  std::string start_line;     // "PUT /b/k HTTP/1.1" or "HTTP/1.1 200 OK"
  store::NameValues headers;  // names in lower case, values without surrounding blanks, in order

  // The value of the first header `name` (lower case), or "".
  std::string Header(std::string_view name) const;
  // Removes every header `name` (lower case).
  void Remove(std::string_view name);
  // A request's method ("" for a response).
  std::string Method() const;
  // A request's target, path and query as sent ("" for a response).
  std::string Target() const;
  // A response's status code (0 for a request or an unreadable status line).
  int Status() const;
  // The head as it goes on the wire, ending with the blank line.
  std::string Serialize() const;
};

// Parses `head`: the bytes before the blank line ("\r\n\r\n"), without it.
HttpHead ParseHttpHead(std::string_view head);

}  // namespace csm::test
