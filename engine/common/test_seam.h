// Test seams, as RocksDB's sync points: a named point in the engine where a test build may pause
// (to kill the process there, or to line several processes up at the same place). The release
// binary links engine/test_seams/test_seam_off.cc, where a seam does nothing and no test switch
// exists; only the test build csmigrate-seams (tests/CMakeLists.txt) links test_seam_on.cc, where
// each seam does what its environment variable asks (the list is in that file).
#pragma once

#include <cstdint>
#include <string_view>

namespace csm {

// Marks the seam `name` ("<part>.<point>", e.g. "apply.after_step"); `count` says how far the
// engine got there (a step number, a number of units), for seams that pause at one of many passes.
// Does nothing in the release binary.
void TestSeam(std::string_view name, int64_t count = 0);

}  // namespace csm
