// What the command line sets: one Options filled by CLI11 as it parses, read by the command that
// runs. Each command file adds its own flags to it (cli/*_command.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/logging.h"

namespace csm::cli {

struct Options {
  std::string db_url;
  std::string db_properties, key_file;
  std::string rules_path;
  bool json = false;
  LogOptions log;
  // plan / apply
  std::optional<std::string> provider, name, url;
  std::vector<std::string> details;
  std::string details_file;
  // init
  std::string cloudstack_version = "4.3";
  // rollback
  int64_t run_id = 0;
  bool force = false;
  int64_t lock_wait = 10;  // apply, rollback: seconds to wait for the lock
  // fixture
  std::string fixture_dir;
  // reconcile
  std::vector<int64_t> stores;
  std::vector<std::string> nfs_roots;
  std::string format = "table";
  std::string output, repair_sql;
  bool show_ok = false;
  // push / drain
  std::string object_kind;
  int64_t object_id = 0;
  std::optional<int64_t> staging_store;
  int jobs = 4;
  std::optional<int64_t> limit;
  std::string order = "largest";
  bool dry_run = false;
  std::optional<int64_t> multipart_threshold;
  std::string bwlimit;  // --bwlimit as typed; "" = none
  int lease_seconds = 60;
  bool board_status = false;  // drain --status
  // push / drain / reconcile
  std::optional<int64_t> stall_timeout;
  // help
  std::string help_topic;
};

}  // namespace csm::cli
