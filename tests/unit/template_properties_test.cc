#include "cloudstack/template_properties.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "test_support.h"

namespace csm::cloudstack {
namespace {

using Strings = std::vector<std::string>;
using Fields = std::map<std::string, std::string>;

// As CloudStack's secondary storage writes it after a finished download.
constexpr char kComplete[] =
    "#\n"
    "#Tue Nov 25 10:34:58 UTC 2026\n"
    "filename=3c8f2a.qcow2\n"
    "description=CentOS 5.5(64-bit) no GUI (KVM)\n"
    "checksum=eec2209b6d2d5dc7e0d9c2d6e5d5d5e1\n"
    "hvm=false\n"
    "qcow2.filename=3c8f2a.qcow2\n"
    "qcow2.size=2097152000\n"
    "qcow2.virtualsize=8589934592\n"
    "qcow2=true\n"
    "size=2097152000\n"
    "public=true\n"
    "id=201\n"
    "virtualsize=8589934592\n"
    "uniquename=201-2-b5c0bc7b-1f7c-3a0b-a8dc-3ddae4a1c0e4\n";

TEST(TemplateProperties, ACompleteDownload) {
  const TemplateProperties properties = ParseTemplateProperties(kComplete);
  EXPECT_EQ(properties.filename, "3c8f2a.qcow2");
  EXPECT_EQ(properties.uniquename, "201-2-b5c0bc7b-1f7c-3a0b-a8dc-3ddae4a1c0e4");
  EXPECT_EQ(properties.size, 2097152000);
  EXPECT_EQ(properties.virtualsize, 8589934592);
  EXPECT_EQ(properties.values.at("id"), "201");
  EXPECT_EQ(properties.values.at("description"), "CentOS 5.5(64-bit) no GUI (KVM)");
  EXPECT_TRUE(properties.MissingKeys().empty());
}

TEST(TemplateProperties, PerExtensionEntriesAsGiven) {
  const TemplateProperties properties = ParseTemplateProperties(
      std::string(kComplete) +
      "vhd.filename=other.vhd\ntar.gz.size=3\nvhd.size=not a number\nova.size:12\n");
  EXPECT_EQ(
      properties.extensions,
      (std::map<std::string, Fields>{
          {"qcow2",
           {{"filename", "3c8f2a.qcow2"}, {"size", "2097152000"}, {"virtualsize", "8589934592"}}},
          {"vhd", {{"filename", "other.vhd"}, {"size", "not a number"}}},
          {"ova", {{"size", "12"}}},
          {"tar.gz", {{"size", "3"}}},
      }));
}

TEST(TemplateProperties, AnIncompleteDownloadLacksKeys) {
  // What a download in progress leaves: no uniquename, virtualsize or filename yet.
  TemplateProperties properties = ParseTemplateProperties("#in progress\nsize=100\nid=201\n");
  EXPECT_EQ(properties.MissingKeys(), (Strings{"uniquename", "virtualsize", "filename"}));
  EXPECT_EQ(properties.size, 100);
  EXPECT_EQ(properties.virtualsize, -1);
  EXPECT_EQ(properties.filename, "");

  properties = ParseTemplateProperties("filename=a.qcow2\nuniquename=u\n");
  EXPECT_EQ(properties.MissingKeys(), (Strings{"virtualsize"}));
  properties = ParseTemplateProperties("virtualsize=1\nuniquename=u\n");
  EXPECT_EQ(properties.MissingKeys(), (Strings{"filename"}));
  // Present but empty or invalid is not missing (CloudStack checks only for the key).
  properties = ParseTemplateProperties("virtualsize=x\nuniquename=\nfilename\n");
  EXPECT_TRUE(properties.MissingKeys().empty());
  EXPECT_EQ(properties.virtualsize, -1);
  EXPECT_EQ(ParseTemplateProperties("").MissingKeys(),
            (Strings{"uniquename", "virtualsize", "filename"}));
}

TEST(TemplateProperties, InvalidSizesAreMinusOne) {
  const std::map<std::string, int64_t> cases = {
      {"0", 0},
      {"+12", 12},
      {"9223372036854775807", 9223372036854775807},
      {"9223372036854775808", -1},
      {"99999999999999999999", -1},
      {"-5", -1},
      {"", -1},
      {"+", -1},
      {"12 ", -1},
      {"1e6", -1},
      {"0x10", -1},
      {"ten", -1},
  };
  for (const auto& [text, expected] : cases) {
    const TemplateProperties properties =
        ParseTemplateProperties("size=" + text + "\nvirtualsize=" + text + "\n");
    EXPECT_EQ(properties.size, expected) << "\"" << text << "\"";
    EXPECT_EQ(properties.virtualsize, expected) << "\"" << text << "\"";
  }
}

TEST(TemplateProperties, JavaSyntaxIsHonoured) {
  const TemplateProperties properties = ParseTemplateProperties(
      "filename = a\\u0062c.qcow2\r\nuniquename: u\\\n  v\nvirtualsize 7\n");
  EXPECT_EQ(properties.filename, "abc.qcow2");
  EXPECT_EQ(properties.uniquename, "uv");
  EXPECT_EQ(properties.virtualsize, 7);
  // A malformed escape makes the whole file unreadable, as it does for Java.
  EXPECT_EQ(ParseTemplateProperties(std::string(kComplete) + "bad=\\u12\n").MissingKeys(),
            (Strings{"uniquename", "virtualsize", "filename"}));
}

TEST(TemplateProperties, ReadsAFile) {
  test::ScratchDir scratch;
  const std::string path = scratch.File("template.properties");
  {
    std::ofstream out(path, std::ios::binary);
    out << kComplete;
  }
  const auto read = ReadTemplateProperties(path);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->filename, "3c8f2a.qcow2");
  EXPECT_EQ(read->virtualsize, 8589934592);
  EXPECT_TRUE(read->MissingKeys().empty());

  const auto missing = ReadTemplateProperties(scratch.File("nope.properties"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.status().message().find(scratch.File("nope.properties")), std::string::npos);

  const auto directory = ReadTemplateProperties(scratch.path());
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.status().code(), ErrorCode::kIo);

  {
    std::ofstream out(path, std::ios::binary);
    out << "filename=a\nbad=\\u12zz\n";
  }
  const auto malformed = ReadTemplateProperties(path);
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(malformed.status().message().find(path), std::string::npos)
      << malformed.status().message();
}

}  // namespace
}  // namespace csm::cloudstack
