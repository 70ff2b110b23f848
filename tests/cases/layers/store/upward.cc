// A store file that includes a folder above store: engine/check_layers.cmake must refuse it
// (tests/CMakeLists.txt, EngineLayers.AnUpwardIncludeFailsTheCheck).
#include "cloudstack/image_stores.h"
#include "common/result.h"
