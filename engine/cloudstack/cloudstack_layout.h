// Where CloudStack keeps its objects on each kind of store (cloudstack.md §4): the key prefixes
// a reconcile examines, and the metadata files that sit next to the objects.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace csm::cloudstack {

// The suffixes a snapshot file may have beyond its install_path (XenServer install_paths omit
// ".vhd"), in the order to probe them; ".vhd" sorts last of the three.
inline constexpr std::array<std::string_view, 3> kSnapshotFileSuffixes = {".qcow2", ".vhd", ".ova"};

// The key prefixes of CloudStack's layout on a store of `provider`, in ascending byte order, so
// that listing them one after another gives one listing in key order: NFS and S3 "snapshots/",
// "template/", "volumes/"; Swift the containers "S-", "T-", "V-". Keys outside them are not
// CloudStack's and are not examined.
std::vector<std::string> CloudStackPrefixes(const std::string& provider);

// Whether `key` is metadata CloudStack keeps next to the objects rather than an object of its
// own: template.properties and volume.properties files, and Swift's "<container>_segments"
// containers that hold the pieces of large objects. Such keys are never orphans.
bool IsAuxiliaryKey(const std::string& provider, const std::string& key);

// The ImageFormat name CloudStack records in vm_template.format for a template file named
// `file_name`, from its extension as CloudStack's ImageFormat gives them (".qcow2" QCOW2, ".vhd"
// VHD, ".vhdx" VHDX, ".ova" OVA, ".raw" RAW, ".iso" ISO, ".vmdk" VMDK, ".vdi" VDI, ".tar" TAR;
// case-insensitive); "" for any other name.
std::string ImageFormatOf(std::string_view file_name);

}  // namespace csm::cloudstack
