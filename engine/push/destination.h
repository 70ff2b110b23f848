// Where CloudStack puts each kind of object on an object store (cloudstack.md §3, §4).
#pragma once

#include <string>

#include "push/push_unit.h"

namespace csm::push {

// The key for `item` whose staging file is named `file_name`, on a store of `provider`:
// S3 "template/tmpl/<account>/<template>/<unique_name>/<file>", "snapshots/<account>/<volume>/
// <file>", "volumes/<account>/<volume>/<file>"; Swift "T-<template>/<file>",
// "S-<volume>/<file>", "V-<volume>/<file>" (container/object).
std::string DestinationKey(const std::string& provider, const PushItem& item,
                           const std::string& file_name);

}  // namespace csm::push
