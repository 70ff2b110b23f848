// csmigrate's version, as --version prints it and every JSON document and report carries it.
#pragma once

#include <string>

namespace csm {

// "X.Y.Z", plus " (git <short revision>)" when built from a git checkout.
std::string Version();

}  // namespace csm
