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
// returns false) when it already does, else written (returns true) and verified by the ETag of
// the PUT's answer. kPrecondition, naming them, when other objects of the container start with
// "template.properties" (CloudStack would not see the template; csmigrate never deletes what it
// did not write); kIo when the store fails or what it stored is not what was sent.
// Requests: one prefix listing of the container (it shows every such object, and the ETag of
// template.properties), then the PUT when there is none (2 in all); 1 when there is one with
// exactly the bytes csmigrate writes; a GET more when it has other bytes (adopted when it says
// the same, else the PUT: 3).
Result<bool> EnsureSwiftTemplateProperties(store::ObjectStore& swift,
                                           const SwiftTemplateEntry& entry);

}  // namespace csm::push
