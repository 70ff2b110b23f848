// Where CloudStack puts each kind of object on an object store (cloudstack.md §3, §4).
#pragma once

#include <string>

#include "common/result.h"
#include "push/push_unit.h"

namespace csm::push {

// Ok when `item` makes a key CloudStack builds and its template sync reads back: on S3 a
// template's unique_name is the one directory between its id and its file, so it may not be
// empty, "." or "..", nor hold '/' or a control character (the object would land elsewhere, and
// the sync would drop the row and delete the object). Else kPrecondition naming the template.
Status CheckDestinationKeyParts(const std::string& provider, const PushItem& item);

// The key for `item` whose staging file is named `file_name`, on a store of `provider`:
// S3 "template/tmpl/<account>/<template>/<unique_name>/<file>", "snapshots/<account>/<volume>/
// <file>", "volumes/<account>/<volume>/<file>"; Swift "T-<template>/<file>",
// "S-<volume>/<file>", "V-<volume>/<file>" (container/object).
std::string DestinationKey(const std::string& provider, const PushItem& item,
                           const std::string& file_name);

}  // namespace csm::push
