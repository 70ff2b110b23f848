#include "catalog/cloudstack_layout.h"

#include <gtest/gtest.h>

namespace csm::catalog {
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

}  // namespace
}  // namespace csm::catalog
