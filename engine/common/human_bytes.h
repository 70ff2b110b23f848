// Byte counts for people: "1.5 KiB", "2.8 GiB".
#pragma once

#include <string>

namespace csm {

// `bytes` in the largest binary unit (B, KiB, MiB, GiB, TiB) that keeps the number >= 1, with
// one decimal (none for plain bytes).
std::string HumanBytes(double bytes);

}  // namespace csm
