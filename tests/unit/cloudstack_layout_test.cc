#include "cloudstack/cloudstack_layout.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace csm::cloudstack {
namespace {

TEST(ImageFormatOf, TheFormatCloudStackRecordsForATemplateFile) {
  EXPECT_EQ(ImageFormatOf("201-2-3f0c.qcow2"), "QCOW2");
  EXPECT_EQ(ImageFormatOf("a.b.VHD"), "VHD");
  EXPECT_EQ(ImageFormatOf("routing.vhdx"), "VHDX");
  EXPECT_EQ(ImageFormatOf("appliance.ova"), "OVA");
  EXPECT_EQ(ImageFormatOf("disk.raw"), "RAW");
  EXPECT_EQ(ImageFormatOf("install.iso"), "ISO");
  EXPECT_EQ(ImageFormatOf("vm.vmdk"), "VMDK");
  EXPECT_EQ(ImageFormatOf("vbox.vdi"), "VDI");
  EXPECT_EQ(ImageFormatOf("bundle.tar"), "TAR");
  // Unknown: left to what vm_template already says.
  EXPECT_EQ(ImageFormatOf("disk.img"), "");
  EXPECT_EQ(ImageFormatOf("qcow2"), "");
  EXPECT_EQ(ImageFormatOf("snapshot-without-suffix"), "");
  EXPECT_EQ(ImageFormatOf("archive.qcow2.bz2"), "");
}

TEST(CloudStackLayout, PrefixesAreInAscendingByteOrderPerProvider) {
  for (const char* provider : {"NFS", "S3", "Swift"}) {
    const std::vector<std::string> prefixes = CloudStackPrefixes(provider);
    EXPECT_TRUE(std::is_sorted(prefixes.begin(), prefixes.end())) << provider;
  }
  EXPECT_EQ(CloudStackPrefixes("NFS"),
            (std::vector<std::string>{"snapshots/", "template/", "volumes/"}));
  EXPECT_EQ(CloudStackPrefixes("S3"), CloudStackPrefixes("NFS"));
  EXPECT_EQ(CloudStackPrefixes("Swift"), (std::vector<std::string>{"S-", "T-", "V-"}));
}

TEST(CloudStackLayout, MetadataFilesAndSwiftSegmentContainersAreAuxiliary) {
  EXPECT_TRUE(IsAuxiliaryKey("NFS", "template/tmpl/2/201/template.properties"));
  EXPECT_TRUE(IsAuxiliaryKey("S3", "volumes/2/41/volume.properties"));
  EXPECT_TRUE(IsAuxiliaryKey("Swift", "T-201/template.properties"));
  EXPECT_TRUE(IsAuxiliaryKey("Swift", "T-201_segments/part-0001"));
  EXPECT_FALSE(IsAuxiliaryKey("S3", "T-201_segments/part-0001")) << "segments are Swift's";
  EXPECT_FALSE(IsAuxiliaryKey("Swift", "_segments/x")) << "a container named only the suffix";
  EXPECT_FALSE(IsAuxiliaryKey("NFS", "template/tmpl/2/201/201-2.qcow2"));
  EXPECT_FALSE(IsAuxiliaryKey("NFS", "template/tmpl/2/201/template.properties.bak"));
}

}  // namespace
}  // namespace csm::cloudstack
