// On a Swift store, CloudStack's template sync sees a template only through the
// template.properties in its T-<template id> container: a container without exactly one object
// whose name starts "template.properties" is invisible, and the sync then deletes the template's
// row (cloudstack.md §3, §5). Push writes the file as CloudStack's own copy does.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"
#include "store/object_store.h"

namespace csm::push {

// What the template.properties must say.
struct SwiftTemplateEntry {
  int64_t template_id = 0;
  std::string unique_name;  // vm_template.unique_name
  std::string file_name;    // the template object's name in the container
  int64_t size = 0;         // the object's bytes
  int64_t virtual_size = 0;
};

// Makes "T-<id>/template.properties" on `swift` say exactly `entry`: adopted (nothing written,
// returns false) when it already does, else written (returns true) and read back. kPrecondition,
// naming them, when other objects of the container start with "template.properties" (CloudStack
// would not see the template; csmigrate never deletes what it did not write); kIo when the store
// fails or the file read back differs.
Result<bool> EnsureSwiftTemplateProperties(store::ObjectStore& swift,
                                           const SwiftTemplateEntry& entry);

}  // namespace csm::push
