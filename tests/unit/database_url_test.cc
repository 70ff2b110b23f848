#include "db/database_url.h"

#include <gtest/gtest.h>

namespace csm::db {
namespace {

DatabaseUrl Parsed(const std::string& text) {
  auto url = ParseDatabaseUrl(text);
  EXPECT_TRUE(url.ok()) << text << ": " << url.status().message();
  return url.ok() ? *url : DatabaseUrl{};
}

TEST(DatabaseUrl, SqlitePathsStayAsTheyAre) {
  EXPECT_EQ(Parsed("sqlite:///var/lib/cloud.db").path, "/var/lib/cloud.db");
  EXPECT_EQ(Parsed("sqlite://relative/cloud.db").path, "relative/cloud.db");
  EXPECT_EQ(Parsed("sqlite:///tmp/a%20b.db").path, "/tmp/a%20b.db");  // a file name, not a URL
  EXPECT_FALSE(ParseDatabaseUrl("sqlite://").ok());
}

TEST(DatabaseUrl, ServerUrlsGiveUserHostPortAndDatabase) {
  const DatabaseUrl m = Parsed("mysql://cloud@db.example.org:3307/cloud");
  EXPECT_EQ(m.scheme, "mysql");
  EXPECT_EQ(m.user, "cloud");
  EXPECT_EQ(m.host, "db.example.org");
  EXPECT_EQ(m.port, 3307);
  EXPECT_EQ(m.database, "cloud");
  const DatabaseUrl p = Parsed("postgres://cloud@10.0.0.5/cloud");
  EXPECT_EQ(p.scheme, "postgresql");
  EXPECT_EQ(p.port, 5432);
  EXPECT_EQ(Parsed("mysql://cloud@h/cloud").port, 3306);
  EXPECT_EQ(Parsed("mysql://h/cloud").user, "");
}

TEST(DatabaseUrl, Ipv6HostsLoseTheirBrackets) {
  const DatabaseUrl m = Parsed("mysql://user@[::1]:3306/db");
  EXPECT_EQ(m.host, "::1");
  EXPECT_EQ(m.port, 3306);
  EXPECT_EQ(m.database, "db");
  EXPECT_EQ(m.ToString(), "mysql://user@[::1]:3306/db");
  EXPECT_EQ(Parsed("postgresql://u@[2001:db8::7]/cloud").host, "2001:db8::7");
  EXPECT_EQ(Parsed("postgresql://u@[fe80::1%25eth0]:5432/cloud").host, "fe80::1%eth0");
}

TEST(DatabaseUrl, UserAndDatabaseArePercentDecoded) {
  const DatabaseUrl m = Parsed("mysql://cl%40ud%20admin@h:3306/my%2Fdb");
  EXPECT_EQ(m.user, "cl@ud admin");
  EXPECT_EQ(m.database, "my/db");
  EXPECT_EQ(Parsed("postgresql://ren%C3%A9@h/cloud").user, "ren\xC3\xA9");
}

TEST(DatabaseUrl, ToStringParsesBackToTheSameDatabase) {
  for (const char* text :
       {"mysql://cl%40ud%20admin@h:3306/my%2Fdb", "postgresql://ren%C3%A9@h/cloud%3Fusage",
        "postgresql://u@[fe80::1%25eth0]:5432/cloud", "mysql://cloud@db.example.org/cloud",
        "mysql://h/cloud", "sqlite:///tmp/a%20b.db"}) {
    const DatabaseUrl url = Parsed(text);
    const DatabaseUrl again = Parsed(url.ToString());
    EXPECT_EQ(again.scheme, url.scheme) << text;
    EXPECT_EQ(again.path, url.path) << text;
    EXPECT_EQ(again.user, url.user) << text << " shown as " << url.ToString();
    EXPECT_EQ(again.host, url.host) << text << " shown as " << url.ToString();
    EXPECT_EQ(again.port, url.port) << text;
    EXPECT_EQ(again.database, url.database) << text << " shown as " << url.ToString();
  }
  EXPECT_EQ(Parsed("mysql://cl%40ud@h/my%2Fdb").ToString(), "mysql://cl%40ud@h:3306/my%2Fdb");
  EXPECT_EQ(Parsed("mysql://cloud_1@h/cloud-usage.x~").ToString(),
            "mysql://cloud_1@h:3306/cloud-usage.x~");
}

TEST(DatabaseUrl, MalformedUrlsAreRefusedNamingWhatIsWrong) {
  struct Case {
    const char* url;
    const char* says;
  };
  for (const Case& c :
       {Case{"cloud.db", "is not a URL"},
        Case{"oracle://u@h/cloud", "'oracle://u@h/cloud': its scheme is not one csmigrate"},
        Case{"mysql://u@h:3306", "names no database"},
        Case{"mysql://u@h:3306/", "names no database"},
        Case{"mysql://u@h:3306/a/b", "names no database"},
        Case{"mysql://u@h:99999/cloud", "is not a valid URL"},
        Case{"mysql://u@h:port/cloud", "is not a valid URL"},
        Case{"mysql://u@[::1/cloud", "is not a valid URL"},
        Case{"mysql://u@h/cloud?ssl=1", "query or fragment"},
        Case{"mysql://u@[::%%20]:3/cloud", "IPv6 zone"},
        Case{"mysql://127.0.0.%25306/cloud", "percent-encoded host"},
        Case{"mysql://%36/cloud", "percent-encoded host"},
        Case{"mysql:///%36/cloud", "percent-encoded host"},
        Case{"mysql://t/.%2e", "names the database \"..\""},
        Case{"mysql://t/%2E", "names the database \".\""},
        Case{"mysql://u%40x@db%2Eexample.org/cloud", "percent-encoded host"},
        Case{"mysql://u@[fe80::1%25a%2Fb]/cloud", "IPv6 zone"},
        Case{"mysql://u%00x@h/cloud", "does not decode"},
        Case{"mysql://@h/cloud", "names an empty user"},
        Case{"mysql://cl%FFoud@h/cloud", "user name that is not UTF-8"},
        Case{"postgresql://u@h/clo%FFud", "database name that is not UTF-8"},
        Case{"sqlite://:memory:", "for a database in memory"},
        Case{"sqlite://file::memory:?cache=shared", "give the path of the file"}}) {
    auto url = ParseDatabaseUrl(c.url);
    ASSERT_FALSE(url.ok()) << c.url;
    EXPECT_EQ(url.status().code(), ErrorCode::kInvalidArgument) << c.url;
    EXPECT_NE(url.status().message().find(c.says), std::string::npos)
        << c.url << ": " << url.status().message();
  }
}

TEST(DatabaseUrl, APasswordIsRefusedAndNeverShown) {
  // Also in URLs that do not parse: a password holding '/', '?' or '#', a mistyped scheme, no
  // scheme, libpq's ?password=, a fragment, a scheme that is not one.
  for (const char* url :
       {"mysql://cloud:s3cr%65t@h:3306/cloud", "mysql://cloud:s3cret@h:3306/",
        "postgresql://cloud:s3cret@h:99999/cloud", "mysql://cloud:s3cret@[::1/cloud",
        "mysql://cloud:s3/cret@h:3306/cloud", "postgresql://cloud:s3?cret@h/cloud",
        "mysql://cloud:s3#cret@h/cloud", "mysql:/cloud:s3cret@h/cloud",
        "mysql:cloud:s3cret@h/cloud", "mysql//cloud:s3cret@h/cloud", "cloud:s3cret@h/cloud",
        "postgresql://cloud@h/c?password=s3cret", "mysql://cloud@h/cloud#s3cret",
        "s3cret:x://h/cloud"}) {
    auto parsed = ParseDatabaseUrl(url);
    ASSERT_FALSE(parsed.ok()) << url;
    EXPECT_EQ(parsed.status().message().find("s3cr"), std::string::npos)
        << parsed.status().message();
  }
}

}  // namespace
}  // namespace csm::db
