// An object store as CloudStack's template sync sees it (cloudstack.md §5): which templates it
// lists, under which unique name, at which install path. Built from the reconcile's own listing
// (one pass, objects in ascending key order) plus, on Swift, the text of each T- container's
// template.properties, which the caller reads (one GET per container). Pure: no I/O here.
//
// - S3: every key under "template/"; the unique name is the name of the key's parent directory,
//   the install path the key, both sizes the object's; when two keys share a unique name the one
//   listed later wins (CloudStack puts them in one map, key after key).
// - Swift: every container whose name starts "T-" holding exactly one object whose name starts
//   "template.properties"; that file (GET "<container>/template.properties") gives the unique name
//   (uniquename=) and the install path "<container>/<filename=>". A container without it, with
//   several, or whose file cannot be read the way CloudStack reads it, is invisible. Containers are
//   read in name order, so a later container wins a shared unique name.
// Memory: one entry per unique name (S3) or per T- container (Swift), never one per object of
// the other prefixes; about the number of templates.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/object_store.h"

namespace csm::reconcile {

// One template as the sync lists it.
struct ListedTemplate {
  std::string unique_name;
  std::string install_path;    // S3: the key; Swift: "<container>/<filename>"
  int64_t size = -1;           // what the sync writes into the row's size (-1: unknown)
  int64_t physical_size = -1;  // and into physical_size
  // S3: the keys under the same unique name that an earlier key lost to (listed before it), in
  // listing order; empty on Swift.
  std::vector<std::string> shadowed;
};

class SyncListing {
 public:
  // For a store of `provider` ("S3" or "Swift"; any other provider lists nothing).
  explicit SyncListing(std::string provider);

  // Whether CloudStack's template sync lists a store of `provider` with role `role` (the sync
  // lists every role='Image' store; of those, csmigrate predicts it on S3 and Swift).
  static bool Applies(const std::string& provider, const std::string& role);

  // Takes the next listed object; objects come in ascending byte order of the key, with keys of
  // any prefix (those the sync does not list are ignored).
  void Observe(const store::ObjectInfo& object);

  // Swift: the containers whose template.properties the sync reads, in name order. Empty on S3.
  std::vector<std::string> PropertiesToRead() const;

  // Swift: the bytes of "<container>/template.properties", or nullopt when it could not be read
  // (gone since the listing). Call once per container of PropertiesToRead, in that order.
  // Returns what is wrong with the file's sizes ("template.properties has a size= that is not a
  // number", the container then invisible; or the same of virtualsize=), "" when nothing is.
  std::string AddProperties(const std::string& container, const std::optional<std::string>& text);

  // The templates the sync lists, by unique name. Complete after the listing and, on Swift, the
  // properties; the replay removes the ones it matches.
  std::map<std::string, ListedTemplate>& templates() { return templates_; }

  // Why the sync does not list the template whose object is at `key` (that object's listed):
  // S3, the unique name its parent directory gives; Swift, what its container lacks. "" when
  // nothing can be said.
  std::string WhyNotListed(const std::string& key, const std::string& unique_name) const;

  // Swift: whether the container of `key` holds objects whose names start with
  // "template.properties" besides one named exactly that (push refuses to write one there).
  bool HasStrayProperties(const std::string& key) const;

  // The unique name the sync reads from the S3 key `key` (the name of its parent directory),
  // as CloudStack's substringAfterLast(substringBeforeLast(key, "/"), "/") gives it.
  static std::string S3UniqueName(std::string_view key);

 private:
  struct Container {
    int properties_like = 0;      // objects whose name starts "template.properties"
    bool has_properties = false;  // one of them is exactly "template.properties"
    std::string invisible;  // "template.properties ..." why the sync skips it; "" when it does not
    std::string unique_name;  // what its template.properties says, when listed
  };

  std::string provider_;
  std::map<std::string, ListedTemplate> templates_;
  std::map<std::string, Container> containers_;  // Swift T- containers, by name
};

}  // namespace csm::reconcile
