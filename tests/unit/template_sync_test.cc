// CloudStack's template sync replayed (cloudstack.md §5): how an S3 or Swift listing looks to it
// (unique names from S3 keys, the later key winning; Swift containers visible only through
// exactly one template.properties), which templates it considers (Active, NotUploaded,
// UploadInProgress, no state, SYSTEM, BUILTIN; never removed ones; children set aside), and what
// it would do: remove rows, repoint them, delete objects; each finding with its action or repair.
#include "reconcile/template_sync.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "db/sqlite_dialect.h"
#include "reconcile/report.h"
#include "reconcile/sync_listing.h"

namespace csm::reconcile {
namespace {

constexpr const char* kUnique = "201-2-3f0c1e8a";

store::ObjectInfo Object(const std::string& key, int64_t size = 10) {
  store::ObjectInfo o;
  o.key = key;
  o.size = size;
  return o;
}

// Template 201 of account 2, Active, public, with a URL; no row unless given.
SyncTemplate Template(int64_t id = 201, const std::string& unique = kUnique) {
  SyncTemplate t;
  t.id = id;
  t.unique_name = unique;
  t.url = "http://dl.example.com/t.qcow2";
  t.type = "USER";
  t.state = "Active";
  t.account_id = 2;
  t.is_public = true;
  return t;
}

SyncRow Row(std::optional<std::string> install_path, const std::string& state = "Ready",
            const std::string& download_state = "DOWNLOADED") {
  SyncRow r;
  r.id = 7;
  r.state = state;
  r.download_state = download_state;
  r.install_path = std::move(install_path);
  r.untouched = true;  // as the conversion made it
  return r;
}

SyncStagingRow Staging(int64_t ref_cnt, const std::string& state = "Ready") {
  SyncStagingRow s;
  s.id = 1;
  s.store_id = 1;
  s.ref_cnt = ref_cnt;
  s.state = state;
  s.install_path = std::string("template/tmpl/2/201/") + kUnique + ".qcow2";
  return s;
}

const std::string kS3Key = std::string("template/tmpl/2/201/") + kUnique + "/" + kUnique + ".qcow2";
const std::string kSwiftKey = std::string("T-201/") + kUnique + ".qcow2";

struct Replayed {
  std::vector<Finding> findings;
  // "kind row#id key" (row part empty for deletes), in the order emitted.
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    for (const auto& f : findings) {
      out.push_back(std::string(KindName(f.kind)) + " " +
                    (f.row_id != 0 ? "row#" + std::to_string(f.row_id) : "") + " " + f.key);
    }
    return out;
  }
};

// The sync of store 2 (`provider`, region-wide unless `region` is false) over the listed `keys`
// and, on Swift, the given template.properties texts (nullopt: unreadable), for `templates`.
Replayed Replay(const std::string& provider, const std::vector<std::string>& keys,
                const std::vector<SyncTemplate>& templates,
                const std::map<std::string, std::optional<std::string>>& properties = {},
                const std::set<int64_t>& missing_rows = {}, bool region = true) {
  SyncListing listing(provider);
  for (const auto& key : keys) listing.Observe(Object(key));
  for (const auto& container : listing.PropertiesToRead()) {
    const auto found = properties.find(container);
    listing.AddProperties(container, found == properties.end() ? std::nullopt : found->second);
  }
  Replayed run;
  const db::SqliteDialect dialect;
  TemplateSyncReplay replay({2, provider, region}, listing, missing_rows, dialect,
                            [&](const Finding& f) {
                              EXPECT_EQ(f.store_id, 2);
                              EXPECT_TRUE(IsSyncPrediction(f.kind));
                              EXPECT_FALSE(f.detail.empty());
                              EXPECT_FALSE(f.repair.empty());
                              run.findings.push_back(f);
                            });
  for (const auto& t : templates) replay.Add(t);
  replay.Finish();
  return run;
}

std::string Properties(const std::string& unique, const std::string& file) {
  return "uniquename=" + unique + "\nfilename=" + file + "\nsize=10\nvirtualsize=100\n";
}

TEST(SyncListing, TheS3UniqueNameIsTheParentDirectorysName) {
  EXPECT_EQ(SyncListing::S3UniqueName(kS3Key), kUnique);
  EXPECT_EQ(SyncListing::S3UniqueName("template/tmpl/2/201/x.qcow2"), "201");
  EXPECT_EQ(SyncListing::S3UniqueName("template/x.qcow2"), "");
  EXPECT_EQ(SyncListing::S3UniqueName("template/tmpl/2/201/U/"), "U");
}

TEST(SyncListing, ASizeOrVirtualSizeThatIsNotANumberIsSaid) {
  SyncListing swift("Swift");
  for (const char* key : {"T-1/a", "T-1/template.properties", "T-2/b", "T-2/template.properties",
                          "T-3/c", "T-3/template.properties"}) {
    swift.Observe(Object(key));
  }
  EXPECT_EQ(swift.AddProperties("T-1", "uniquename=u1\nfilename=a\nsize=1x\n"),
            "template.properties has a size= that is not a number");
  EXPECT_EQ(swift.AddProperties("T-2", "uniquename=u2\nfilename=b\nsize=1\nvirtualsize=-3\n"),
            "template.properties has a virtualsize= that is not a number");
  EXPECT_EQ(swift.AddProperties("T-3", Properties("u3", "c")), "");
  EXPECT_EQ(swift.templates().count("u1"), 0u) << "the sync skips a container with a bad size=";
  EXPECT_EQ(swift.templates().count("u2"), 1u);
}

TEST(SyncListing, OnlyTemplateKeysAndTContainersAreListed) {
  SyncListing s3("S3");
  for (const char* key : {"snapshots/2/31/s", "template/tmpl/2/201/U/a.qcow2", "volumes/2/4/v"}) {
    s3.Observe(Object(key));
  }
  ASSERT_EQ(s3.templates().size(), 1u);
  EXPECT_EQ(s3.templates().at("U").install_path, "template/tmpl/2/201/U/a.qcow2");

  SyncListing swift("Swift");
  for (const char* key : {"S-31/template.properties", "T-1/a", "T-1/template.properties",
                          "V-4/template.properties", "T-2/template.properties.bak"}) {
    swift.Observe(Object(key));
  }
  EXPECT_EQ(swift.PropertiesToRead(), std::vector<std::string>{"T-1"})
      << "T-2's only match is not named template.properties; S- and V- are never read";
  EXPECT_TRUE(SyncListing::Applies("S3", "Image"));
  EXPECT_TRUE(SyncListing::Applies("Swift", "Image"));
  EXPECT_FALSE(SyncListing::Applies("S3", "ImageCache"));
  EXPECT_FALSE(SyncListing::Applies("NFS", "Image"));
}

TEST(TemplateSync, AStoreLaidOutAsPushLaysItOutPredictsNothing) {
  SyncTemplate t = Template();
  t.row = Row(kS3Key);
  EXPECT_TRUE(Replay("S3", {kS3Key}, {t}).findings.empty());
  t.row = Row(kSwiftKey);
  EXPECT_TRUE(Replay("Swift", {kSwiftKey, "T-201/template.properties"}, {t},
                     {{"T-201", Properties(kUnique, std::string(kUnique) + ".qcow2")}})
                  .findings.empty());
}

TEST(TemplateSync, SizesAloneAreNoFinding) {
  SyncTemplate t = Template();
  t.row = Row(kS3Key);
  t.row->physical_size = 99999;
  EXPECT_TRUE(Replay("S3", {kS3Key}, {t}).findings.empty());
}

TEST(TemplateSync, TheLaterKeyOfADirectoryWinsAndRepointsTheRow) {
  SyncTemplate t = Template();
  t.row = Row(kS3Key);
  const std::string later = std::string("template/tmpl/2/201/") + kUnique + "/zz-notes.txt";
  const Replayed run = Replay("S3", {kS3Key, later}, {t});
  ASSERT_EQ(run.lines(), std::vector<std::string>{"sync_repoint row#7 " + later});
  const Finding& f = run.findings[0];
  EXPECT_EQ(f.object_id, 201);
  EXPECT_NE(f.detail.find("the sync keeps the key listed last"), std::string::npos) << f.detail;
  EXPECT_NE(f.repair.find("WHERE id = 7 AND install_path = '" + kS3Key + "'"), std::string::npos)
      << f.repair;
  EXPECT_EQ(f.action, "");

  // The same unique name in another directory wins too, and the earlier key is left alone.
  const std::string elsewhere = std::string("template/tmpl/9/999/") + kUnique + "/b.qcow2";
  EXPECT_EQ(Replay("S3", {kS3Key, elsewhere}, {t}).lines(),
            std::vector<std::string>{"sync_repoint row#7 " + elsewhere});
  // The earlier key listed last is no finding.
  const std::string earlier = std::string("template/tmpl/1/") + kUnique + "/a.qcow2";
  EXPECT_TRUE(Replay("S3", {earlier, kS3Key}, {t}).findings.empty());
}

TEST(TemplateSync, APlaceholderTheSyncFillsNamesThePinItNeverGivesBack) {
  SyncTemplate t = Template();
  t.row = Row(std::nullopt);
  t.staging = {Staging(1)};
  // Listed where push would put it: push adopts the object and gives the pin back.
  Replayed run = Replay("S3", {kS3Key}, {t});
  ASSERT_EQ(run.lines(), std::vector<std::string>{"sync_repoint row#7 " + kS3Key});
  EXPECT_NE(
      run.findings[0].detail.find("staging row #1 on store 1 (ref_cnt 1) is never given back"),
      std::string::npos)
      << run.findings[0].detail;
  EXPECT_EQ(run.findings[0].action, "csmigrate push template 201");
  EXPECT_EQ(run.findings[0].key, kS3Key);

  // Moved on by CloudStack itself: push would leave it, so the action is not push.
  SyncTemplate touched = t;
  touched.row->state = "Copying";
  touched.row->untouched = false;
  run = Replay("S3", {kS3Key}, {touched});
  ASSERT_EQ(run.lines(), std::vector<std::string>{"sync_repoint row#7 " + kS3Key});
  EXPECT_EQ(run.findings[0].action, "");

  // Listed elsewhere: SQL to review, the pin released with a guard.
  const std::string other = std::string("template/tmpl/2/201/") + kUnique + "/other.qcow2";
  run = Replay("S3", {other}, {t});
  ASSERT_EQ(run.lines(), std::vector<std::string>{"sync_repoint row#7 " + other});
  EXPECT_EQ(run.findings[0].action, "");
  EXPECT_NE(run.findings[0].repair.find("WHERE id = 7 AND install_path IS NULL"), std::string::npos)
      << run.findings[0].repair;
  EXPECT_NE(run.findings[0].repair.find("SET ref_cnt = 0 WHERE id = 1 AND ref_cnt = 1"),
            std::string::npos)
      << run.findings[0].repair;
}

TEST(TemplateSync, TheConversionsPlaceholderIsKeptOnARegionStoreOnly) {
  SyncTemplate t = Template();
  t.row = Row(std::nullopt);
  t.staging = {Staging(1)};
  EXPECT_TRUE(Replay("S3", {}, {t}).findings.empty());
  EXPECT_TRUE(Replay("Swift", {}, {t}).findings.empty());
  const Replayed zone = Replay("S3", {}, {t}, {}, {}, /*region=*/false);
  EXPECT_EQ(zone.lines(), std::vector<std::string>{"sync_remove row#7 "});
}

TEST(TemplateSync, ANonReadyPlaceholderIsRemovedAndPushFillsItFirst) {
  for (const auto& [state, download_state] : std::vector<std::pair<std::string, std::string>>{
           {"Copying", "DOWNLOADED"}, {"Ready", "DOWNLOAD_IN_PROGRESS"}}) {
    SyncTemplate t = Template();
    t.row = Row(std::nullopt, state, download_state);
    t.staging = {Staging(1)};
    const Replayed run = Replay("S3", {}, {t});
    ASSERT_EQ(run.lines(), std::vector<std::string>{"sync_remove row#7 "}) << state;
    const Finding& f = run.findings[0];
    EXPECT_EQ(f.action, "csmigrate push template 201");
    EXPECT_EQ(f.state, state);
    EXPECT_NE(f.detail.find("Removing leftover template"), std::string::npos) << f.detail;
    EXPECT_NE(f.detail.find("staging row #1 on store 1 (ref_cnt 1) is never given back"),
              std::string::npos)
        << f.detail;
  }
  // One CloudStack moved to Copying itself is its own copy's: push leaves it alone.
  SyncTemplate copying = Template();
  copying.row = Row(std::nullopt, "Copying");
  copying.row->untouched = false;
  copying.staging = {Staging(1)};
  const Replayed busy = Replay("S3", {}, {copying});
  ASSERT_EQ(busy.lines(), std::vector<std::string>{"sync_remove row#7 "});
  EXPECT_EQ(busy.findings[0].action, "");
  EXPECT_NE(busy.findings[0].repair.find("push leaves it to CloudStack's own copy"),
            std::string::npos)
      << busy.findings[0].repair;

  // With no Ready staging copy there is nothing to push from.
  SyncTemplate t = Template();
  t.row = Row(std::nullopt, "Copying");
  t.staging = {Staging(1, "Destroyed")};
  const Replayed run = Replay("S3", {}, {t});
  ASSERT_EQ(run.findings.size(), 1u);
  EXPECT_EQ(run.findings[0].action, "");
  EXPECT_EQ(run.findings[0].repair.rfind("-- sync_remove: template_store_ref #7", 0), 0u);
}

TEST(TemplateSync, AFilledRowWhoseObjectIsMissingIsRemoved) {
  SyncTemplate t = Template();
  t.row = Row(kS3Key);
  Replayed run = Replay("S3", {}, {t}, {}, {7});
  ASSERT_EQ(run.lines(), std::vector<std::string>{"sync_remove row#7 " + kS3Key});
  EXPECT_NE(run.findings[0].detail.find("the store does not hold its object"), std::string::npos);
  EXPECT_NE(run.findings[0].detail.find("downloaded again from vm_template.url"), std::string::npos)
      << run.findings[0].detail;

  // No URL: nothing can bring it back.
  t.url = "";
  run = Replay("S3", {}, {t}, {}, {7});
  ASSERT_EQ(run.findings.size(), 1u);
  EXPECT_NE(run.findings[0].detail.find("data loss"), std::string::npos) << run.findings[0].detail;
  // Private: CloudStack does not download it to a region store again.
  t = Template();
  t.is_public = false;
  t.row = Row(kS3Key);
  run = Replay("S3", {}, {t}, {}, {7});
  ASSERT_EQ(run.findings.size(), 1u);
  EXPECT_NE(run.findings[0].detail.find("never downloads a private template"), std::string::npos);
  // A Ready staging copy left: make the row a placeholder again (for review) and push.
  t.staging = {Staging(0)};
  run = Replay("S3", {}, {t}, {}, {7});
  ASSERT_EQ(run.findings.size(), 1u);
  EXPECT_NE(run.findings[0].repair.find("-- UPDATE template_store_ref SET install_path = NULL"),
            std::string::npos)
      << run.findings[0].repair;
  EXPECT_NE(run.findings[0].repair.find("SET ref_cnt = 1 WHERE id = 1 AND ref_cnt = 0"),
            std::string::npos);
}

TEST(TemplateSync, AnS3KeyOutsideItsUniqueNamesDirectoryIsNotListedForIt) {
  // The NFS layout copied as is: the parent directory is the template id, not its unique name.
  SyncTemplate t = Template();
  const std::string nfs_layout = std::string("template/tmpl/2/201/") + kUnique + ".qcow2";
  t.row = Row(nfs_layout);
  const Replayed run = Replay("S3", {nfs_layout}, {t});
  ASSERT_EQ(run.lines(), (std::vector<std::string>{"sync_remove row#7 " + nfs_layout,
                                                   "sync_delete  " + nfs_layout}));
  EXPECT_NE(run.findings[0].detail.find("gives \"201\", not \"" + std::string(kUnique) + "\""),
            std::string::npos)
      << run.findings[0].detail;
  EXPECT_NE(run.findings[0].repair.find("Copy the object to " + kS3Key), std::string::npos)
      << run.findings[0].repair;
  EXPECT_NE(run.findings[1].detail.find("no vm_template row has unique name \"201\""),
            std::string::npos)
      << run.findings[1].detail;
}

TEST(TemplateSync, ASwiftContainerWithoutExactlyOneTemplatePropertiesIsInvisible) {
  SyncTemplate t = Template();
  t.row = Row(kSwiftKey);
  const std::string file = std::string(kUnique) + ".qcow2";
  struct Case {
    std::vector<std::string> keys;
    std::map<std::string, std::optional<std::string>> properties;
    std::string why;
  };
  const std::vector<Case> cases = {
      {{kSwiftKey}, {}, "container T-201 has no template.properties"},
      // Even a correct template.properties is not read next to a second match.
      {{kSwiftKey, "T-201/template.properties", "T-201/template.properties.old"},
       {{"T-201", Properties(kUnique, file)}},
       "holds 2 objects whose names start with template.properties"},
      {{kSwiftKey, "T-201/template.properties"},
       {{"T-201", "filename=" + file + "\nsize=10\n"}},
       "has no uniquename="},
      {{kSwiftKey, "T-201/template.properties"},
       {{"T-201", "uniquename=\nfilename=" + file + "\n"}},
       "has an empty uniquename="},
      {{kSwiftKey, "T-201/template.properties"},
       {{"T-201", "uniquename=" + std::string(kUnique) + "\nsize=ten\n"}},
       "size= that is not a number"},
      {{kSwiftKey, "T-201/template.properties"}, {{"T-201", std::nullopt}}, "could not be read"},
      {{kSwiftKey, "T-201/template.properties"},
       {{"T-201", Properties("someone-else", file)}},
       "says uniquename=someone-else"},
  };
  for (const auto& c : cases) {
    const Replayed run = Replay("Swift", c.keys, {t}, c.properties);
    ASSERT_FALSE(run.findings.empty()) << c.why;
    EXPECT_EQ(run.lines()[0], "sync_remove row#7 " + kSwiftKey) << c.why;
    const Finding& f = run.findings[0];
    EXPECT_NE(f.detail.find(c.why), std::string::npos) << f.detail;
    // Push writes template.properties, but not beside another object named like it.
    const bool stray = c.keys.size() == 3;
    EXPECT_EQ(f.action, stray ? "" : "csmigrate push template 201") << c.why;
    EXPECT_NE(f.repair.find(stray ? "Remove the objects of container T-201 whose names start"
                                  : "writes T-201/template.properties for it"),
              std::string::npos)
        << f.repair;
  }
  // An object outside CloudStack's Swift layout: no push can make the sync see it there.
  t.row = Row(std::string("T-201/sub/") + kUnique + ".qcow2");
  const Replayed nested = Replay("Swift", {*t.row->install_path}, {t});
  ASSERT_EQ(nested.findings.size(), 1u);
  EXPECT_EQ(nested.findings[0].action, "");
  EXPECT_NE(nested.findings[0].repair.find("Copy the object to " + kSwiftKey), std::string::npos)
      << nested.findings[0].repair;
  t.row = Row(kSwiftKey);
  // The object itself missing: push cannot help; the row goes.
  const Replayed gone = Replay("Swift", {}, {t}, {}, {7});
  ASSERT_EQ(gone.lines(), std::vector<std::string>{"sync_remove row#7 " + kSwiftKey});
  EXPECT_EQ(gone.findings[0].action, "");
}

TEST(TemplateSync, SwiftReadsTheInstallPathFromTemplateProperties) {
  SyncTemplate t = Template();
  t.row = Row(kSwiftKey);
  // No filename=: CloudStack makes the install path "<container>/null".
  Replayed run = Replay("Swift", {kSwiftKey, "T-201/template.properties"}, {t},
                        {{"T-201", "uniquename=" + std::string(kUnique) + "\nsize=10\n"}});
  EXPECT_EQ(run.lines(), std::vector<std::string>{"sync_repoint row#7 T-201/null"});
  // Two containers with one unique name: the later container (by name) wins.
  run = Replay("Swift",
               {kSwiftKey, "T-201/template.properties", "T-3/x.qcow2", "T-3/template.properties"},
               {t},
               {{"T-201", Properties(kUnique, std::string(kUnique) + ".qcow2")},
                {"T-3", Properties(kUnique, "x.qcow2")}});
  EXPECT_EQ(run.lines(), std::vector<std::string>{"sync_repoint row#7 T-3/x.qcow2"});
}

TEST(TemplateSync, ObjectsOfNoConsideredTemplateAreDeleted) {
  const std::string unknown = "template/tmpl/2/305/u-305/u-305.qcow2";
  const std::string removed_key = "template/tmpl/2/306/u-306/u-306.qcow2";
  const std::string inactive_key = "template/tmpl/2/307/u-307/u-307.qcow2";
  SyncTemplate removed = Template(306, "u-306");
  removed.removed = true;
  SyncTemplate inactive = Template(307, "u-307");
  inactive.state = "Inactive";
  inactive.row = Row(std::string("somewhere/else"));  // not considered: its row is left alone
  const Replayed run = Replay("S3", {unknown, removed_key, inactive_key}, {removed, inactive});
  ASSERT_EQ(run.lines(),
            (std::vector<std::string>{"sync_delete  " + unknown, "sync_delete  " + removed_key,
                                      "sync_delete  " + inactive_key}));
  EXPECT_NE(run.findings[1].detail.find("template 306 is removed"), std::string::npos)
      << run.findings[1].detail;
  EXPECT_NE(run.findings[2].detail.find("template 307 is in state Inactive"), std::string::npos)
      << run.findings[2].detail;
  EXPECT_NE(run.findings[0].detail.find("every key that begins with " + unknown),
            std::string::npos);
  EXPECT_EQ(run.findings[0].table, "");
  EXPECT_EQ(run.findings[0].store_size, 10);

  // Swift: the template of the container goes.
  const Replayed swift = Replay("Swift", {"T-305/x", "T-305/template.properties"}, {},
                                {{"T-305", Properties("u-305", "x")}});
  ASSERT_EQ(swift.lines(), std::vector<std::string>{"sync_delete  T-305/x"});
  EXPECT_NE(swift.findings[0].detail.find("container T-305"), std::string::npos);
}

TEST(TemplateSync, SystemBuiltinAndStatelessTemplatesAreConsidered) {
  SyncTemplate system = Template(1, "routing-1");
  system.type = "SYSTEM";
  system.state = "Inactive";
  SyncTemplate builtin = Template(2, "centos53-x86_64");
  builtin.type = "BUILTIN";
  builtin.state = "Inactive";
  SyncTemplate stateless = Template(3, "u-3");
  stateless.state = "";
  SyncTemplate uploading = Template(4, "u-4");
  uploading.state = "NotUploaded";
  const Replayed run =
      Replay("S3",
             {"template/tmpl/1/1/routing-1/r.qcow2", "template/tmpl/1/2/centos53-x86_64/c.qcow2",
              "template/tmpl/2/3/u-3/u.qcow2", "template/tmpl/2/4/u-4/u.qcow2"},
             {system, builtin, stateless, uploading});
  EXPECT_EQ(run.lines(), std::vector<std::string>{});
}

TEST(TemplateSync, AnUploadTheStoreDoesNotHoldIsMarkedFailed) {
  SyncTemplate t = Template();
  t.state = "UploadInProgress";
  t.row = Row(std::nullopt);  // even the conversion's placeholder
  const Replayed run = Replay("S3", {}, {t});
  ASSERT_EQ(run.lines(), std::vector<std::string>{"sync_remove row#7 "});
  EXPECT_NE(run.findings[0].detail.find("marks this row Failed"), std::string::npos);
}

TEST(TemplateSync, ChildTemplatesAreSetAsideWithTheirObjects) {
  SyncTemplate child = Template(210, "u-210");
  child.is_child = true;
  child.row = Row(std::nullopt, "Copying");  // never removed: the sync skips children
  SyncTemplate inactive_child = Template(211, "u-211");
  inactive_child.is_child = true;
  inactive_child.state = "Inactive";
  const Replayed run =
      Replay("S3", {"template/tmpl/2/210/u-210/d.vmdk", "template/tmpl/2/211/u-211/d.vmdk"},
             {child, inactive_child});
  EXPECT_EQ(run.lines(), std::vector<std::string>{"sync_delete  template/tmpl/2/211/u-211/d.vmdk"})
      << "a considered child keeps its object; one that is not considered does not";

  // A child takes its unique name away from the templates after it.
  SyncTemplate parent_named = Template(212, "u-210");
  parent_named.row = Row(std::string("template/tmpl/2/210/u-210/d.vmdk"));
  const Replayed shadowed =
      Replay("S3", {"template/tmpl/2/210/u-210/d.vmdk"}, {child, parent_named});
  EXPECT_EQ(shadowed.lines(),
            std::vector<std::string>{"sync_remove row#7 template/tmpl/2/210/u-210/d.vmdk"});
}

TEST(TemplateSync, ListedWithoutARowAndDirectDownloadsAreNoFinding) {
  EXPECT_TRUE(Replay("S3", {kS3Key}, {Template()}).findings.empty()) << "the sync adds a row";
  SyncTemplate direct = Template();
  direct.direct_download = true;
  direct.row = Row(kS3Key);
  EXPECT_TRUE(Replay("S3", {}, {direct}, {}, {7}).findings.empty());
}

TEST(TemplateSync, PredictionsComeFirstInEveryFormat) {
  EXPECT_EQ(kAllFindingKinds[0], FindingKind::kSyncRemove);
  EXPECT_EQ(kAllFindingKinds[1], FindingKind::kSyncRepoint);
  EXPECT_EQ(kAllFindingKinds[2], FindingKind::kSyncDelete);
  std::set<char> symbols;
  std::set<std::string_view> names;
  for (FindingKind kind : kAllFindingKinds) {
    symbols.insert(KindSymbol(kind));
    names.insert(KindName(kind));
  }
  EXPECT_EQ(symbols.size(), kAllFindingKinds.size());
  EXPECT_EQ(names.size(), kAllFindingKinds.size());
  EXPECT_EQ(KindName(FindingKind::kSyncRemove), "sync_remove");
  EXPECT_EQ(KindName(FindingKind::kSyncRepoint), "sync_repoint");
  EXPECT_EQ(KindName(FindingKind::kSyncDelete), "sync_delete");
  EXPECT_TRUE(IsProblem(FindingKind::kSyncRemove));
  EXPECT_TRUE(IsProblem(FindingKind::kSyncRepoint));
  EXPECT_TRUE(IsProblem(FindingKind::kSyncDelete));
}

TEST(TemplateSync, TheReportShowsPredictionsBeforeEverythingElseWithTheirAction) {
  for (const auto format : {ReportFormat::kTable, ReportFormat::kJsonLines, ReportFormat::kCsv}) {
    auto report = Report::Create(format, /*show_ok=*/false);
    ASSERT_TRUE(report.ok());
    Finding orphan;
    orphan.kind = FindingKind::kOrphan;
    orphan.key = "volumes/orphan";
    Finding broken;
    broken.kind = FindingKind::kPlaceholderBroken;
    broken.table = "volume_store_ref";
    broken.row_id = 3;
    broken.key = "volumes/broken";
    Finding remove;
    remove.kind = FindingKind::kSyncRemove;
    remove.table = "template_store_ref";
    remove.row_id = 7;
    remove.key = "T-201/t.qcow2";
    remove.detail = "gone";
    remove.action = "csmigrate push template 201";
    remove.repair = "-- sync_remove: push it";
    for (const Finding* f : {&orphan, &broken, &remove}) (*report)->Add(*f);
    std::ostringstream out;
    ASSERT_TRUE((*report)->Write(out, {}, {}).ok());
    const std::string text = out.str();
    const size_t first = text.find("T-201/t.qcow2");
    ASSERT_NE(first, std::string::npos) << text;
    EXPECT_LT(first, text.find("volumes/broken")) << text;
    EXPECT_LT(text.find("volumes/broken"), text.find("volumes/orphan")) << text;
    EXPECT_NE(text.find("csmigrate push template 201"), std::string::npos) << text;
    if (format == ReportFormat::kJsonLines) {
      EXPECT_NE(text.find("\"symbol\":\"#\",\"kind\":\"sync_remove\""), std::string::npos) << text;
      EXPECT_NE(text.find("\"action\":\"csmigrate push template 201\""), std::string::npos);
    }
    EXPECT_TRUE((*report)->has_problems());
    std::ostringstream repair;
    ASSERT_TRUE((*report)->WriteRepairSql(repair, "sqlite").ok());
    EXPECT_NE(repair.str().find("-- sync_remove: push it"), std::string::npos) << repair.str();
  }
}

}  // namespace
}  // namespace csm::reconcile
