// What the fuzz targets of tests/fuzz check beyond "no crash": Require(condition) names the
// target's source line of a check that does not hold, then aborts, which libFuzzer reports as a
// crash with the input that caused it.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace csm::fuzz {

inline void Require(bool holds, const char* file = __builtin_FILE(), int line = __builtin_LINE()) {
  if (holds) return;
  std::fprintf(stderr, "fuzz check failed at %s:%d\n", file, line);
  std::abort();
}

}  // namespace csm::fuzz
