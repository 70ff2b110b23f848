// How csmigrate names the process running it in its records (the run ledger's operator, the apply
// lock's holder, drain's workers and claims): "host:pid".
#pragma once

#include <string>

namespace csm {

// This machine's host name, or "unknown-host" when it cannot be read.
std::string HostName();

// "host:pid" of this process.
std::string ProcessName();

// True when `name` ("host:pid", as ProcessName makes it) is a process of this host that no
// longer exists; false for another host's, a live one's, or a name that is not of that form.
bool ProcessIsGone(const std::string& name);

}  // namespace csm
