-- CloudStack 4.22 secondary-storage tables (cloudstack.md §1), as SQLite DDL for the csmigrate tests,
-- fixtures and the embedded default backend: the tables of cloudstack-4.3.sql with the columns
-- CloudStack added up to the 4.22 line, written by hand. Conversion-relevant additions:
--   image_store: url widened to VARCHAR(2048) (4.8), readonly (4.15)
--   image_store_details: display NOT NULL DEFAULT 1 (4.10)
--   template_store_ref: download_url, download_url_created (4.4 and later)
--   snapshot_store_ref: download_state, download_pct, error_str, display NOT NULL DEFAULT 1,
--     local_path (snapshot copy and download), download_url, download_url_created (extraction),
--     kvm_checkpoint_path, end_of_chain (KVM incremental snapshots)
--   volume_store_ref: download_url widened to VARCHAR(2048), download_url_created
-- vm_template, data_center, volumes and snapshots get a selection of later columns, each with a
-- DEFAULT where it is NOT NULL, as in cloudstack-4.3.sql.
--
-- Conventions: as in cloudstack-4.3.sql (INTEGER PRIMARY KEY AUTOINCREMENT, MySQL-ish
-- declared types for the right affinity, foreign keys only where CloudStack has them).

CREATE TABLE IF NOT EXISTS data_center (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name VARCHAR(255),
  uuid VARCHAR(40) UNIQUE,
  description VARCHAR(255),
  dns1 VARCHAR(255) NOT NULL DEFAULT '8.8.8.8',
  dns2 VARCHAR(255),
  ip6_dns1 VARCHAR(255),
  ip6_dns2 VARCHAR(255),
  internal_dns1 VARCHAR(255) NOT NULL DEFAULT '10.0.0.1',
  internal_dns2 VARCHAR(255),
  gateway VARCHAR(15),
  netmask VARCHAR(15),
  router_mac_address VARCHAR(17) NOT NULL DEFAULT '02:00:00:00:00:01',
  mac_address BIGINT NOT NULL DEFAULT 1,
  guest_network_cidr VARCHAR(18),
  domain VARCHAR(100),
  domain_id BIGINT,
  networktype VARCHAR(255) NOT NULL DEFAULT 'Basic',
  dns_provider CHAR(64) DEFAULT 'VirtualRouter',
  gateway_provider CHAR(64) DEFAULT 'VirtualRouter',
  firewall_provider CHAR(64) DEFAULT 'VirtualRouter',
  dhcp_provider CHAR(64) DEFAULT 'VirtualRouter',
  lb_provider CHAR(64) DEFAULT 'VirtualRouter',
  vpn_provider CHAR(64) DEFAULT 'VirtualRouter',
  userdata_provider CHAR(64) DEFAULT 'VirtualRouter',
  allocation_state VARCHAR(32) NOT NULL DEFAULT 'Enabled',
  zone_token VARCHAR(255),
  is_security_group_enabled TINYINT NOT NULL DEFAULT 0,
  is_local_storage_enabled TINYINT NOT NULL DEFAULT 0,
  removed DATETIME,
  sort_key INT(32) NOT NULL DEFAULT 0,
  type VARCHAR(32) DEFAULT 'Core'
);

CREATE TABLE IF NOT EXISTS vm_template (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  unique_name VARCHAR(255) NOT NULL DEFAULT '',
  name VARCHAR(255) NOT NULL DEFAULT '',
  uuid VARCHAR(40) UNIQUE,
  public INT(1) NOT NULL DEFAULT 0,
  featured INT(1) NOT NULL DEFAULT 0,
  type VARCHAR(32),
  hvm INT(1) NOT NULL DEFAULT 1,
  bits INT(6) NOT NULL DEFAULT 64,
  url VARCHAR(255),
  format VARCHAR(32) NOT NULL DEFAULT 'QCOW2',
  created DATETIME NOT NULL DEFAULT '2013-01-01 00:00:00',
  removed DATETIME,
  account_id BIGINT NOT NULL DEFAULT 1,
  checksum VARCHAR(255),
  display_text VARCHAR(4096),
  enable_password INT(1) NOT NULL DEFAULT 1,
  enable_sshkey INT(1) NOT NULL DEFAULT 0,
  guest_os_id BIGINT NOT NULL DEFAULT 1,
  bootable INT(1) NOT NULL DEFAULT 1,
  prepopulate INT(1) NOT NULL DEFAULT 0,
  cross_zones INT(1) NOT NULL DEFAULT 0,
  extractable INT(1) NOT NULL DEFAULT 0,
  hypervisor_type VARCHAR(32),
  source_template_id BIGINT,
  template_tag VARCHAR(255),
  sort_key INT(32) NOT NULL DEFAULT 0,
  image_data_store_id BIGINT,
  size BIGINT,
  state VARCHAR(255),
  update_count BIGINT,
  updated DATETIME,
  dynamically_scalable TINYINT(1) NOT NULL DEFAULT 0,
  display TINYINT(1) NOT NULL DEFAULT 1,
  direct_download TINYINT(1) DEFAULT 0,
  parent_template_id BIGINT,
  deploy_as_is TINYINT(1) NOT NULL DEFAULT 0,
  user_data_id BIGINT,
  user_data_link_policy VARCHAR(255),
  for_cks INT(1) DEFAULT 0,
  arch VARCHAR(16) DEFAULT 'x86_64'
);

CREATE TABLE IF NOT EXISTS volumes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id BIGINT NOT NULL DEFAULT 2,
  domain_id BIGINT NOT NULL DEFAULT 1,
  pool_id BIGINT,
  last_pool_id BIGINT,
  instance_id BIGINT,
  device_id BIGINT,
  name VARCHAR(255),
  uuid VARCHAR(40) UNIQUE,
  size BIGINT NOT NULL DEFAULT 0,
  folder VARCHAR(255),
  path VARCHAR(255),
  pod_id BIGINT,
  data_center_id BIGINT NOT NULL DEFAULT 1,
  iscsi_name VARCHAR(255),
  host_ip CHAR(40),
  volume_type VARCHAR(64) NOT NULL DEFAULT 'DATADISK',
  pool_type VARCHAR(64),
  disk_offering_id BIGINT NOT NULL DEFAULT 1,
  template_id BIGINT,
  first_snapshot_backup_uuid VARCHAR(255),
  recreatable TINYINT(1) NOT NULL DEFAULT 0,
  created DATETIME,
  attached DATETIME,
  updated DATETIME,
  removed DATETIME,
  state VARCHAR(32),
  chain_info TEXT,
  update_count BIGINT NOT NULL DEFAULT 0,
  iso_id BIGINT,
  display_volume TINYINT(1) DEFAULT 1,
  format VARCHAR(255),
  min_iops BIGINT,
  max_iops BIGINT,
  hv_ss_reserve INT(32),
  provisioning_type VARCHAR(32) NOT NULL DEFAULT 'thin',
  encrypt_format VARCHAR(64),
  passphrase_id BIGINT,
  external_uuid VARCHAR(40),
  delete_protection TINYINT(1) DEFAULT 0
);

CREATE TABLE IF NOT EXISTS snapshots (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  data_center_id BIGINT NOT NULL DEFAULT 1,
  account_id BIGINT NOT NULL DEFAULT 2,
  domain_id BIGINT NOT NULL DEFAULT 1,
  volume_id BIGINT NOT NULL,
  disk_offering_id BIGINT NOT NULL DEFAULT 1,
  status VARCHAR(32),
  path VARCHAR(255),
  name VARCHAR(255) NOT NULL DEFAULT '',
  uuid VARCHAR(40) UNIQUE,
  snapshot_type INT(4) NOT NULL DEFAULT 0,
  type_description VARCHAR(25),
  size BIGINT NOT NULL DEFAULT 0,
  created DATETIME,
  removed DATETIME,
  backup_snap_id VARCHAR(255),
  swift_id BIGINT,
  sechost_id BIGINT,
  prev_snap_id BIGINT,
  hypervisor_type VARCHAR(32) NOT NULL DEFAULT 'KVM',
  version VARCHAR(32),
  s3_id BIGINT,
  min_iops BIGINT,
  max_iops BIGINT,
  update_count BIGINT,
  updated DATETIME,
  location_type VARCHAR(32)
);

CREATE TABLE IF NOT EXISTS image_store (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name VARCHAR(255) NOT NULL,
  image_provider_name VARCHAR(255) NOT NULL,
  protocol VARCHAR(255) NOT NULL,
  url VARCHAR(2048),
  data_center_id BIGINT,
  scope VARCHAR(255),
  role VARCHAR(255),
  uuid VARCHAR(255),
  parent VARCHAR(255),
  created DATETIME,
  removed DATETIME,
  total_size BIGINT,
  used_bytes BIGINT,
  readonly TINYINT(1) DEFAULT 0
);

CREATE TABLE IF NOT EXISTS image_store_details (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  store_id BIGINT NOT NULL REFERENCES image_store (id) ON DELETE CASCADE,
  name VARCHAR(255) NOT NULL,
  value VARCHAR(255) NOT NULL,
  display TINYINT(1) NOT NULL DEFAULT 1
);

CREATE TABLE IF NOT EXISTS template_store_ref (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  store_id BIGINT,
  template_id BIGINT NOT NULL REFERENCES vm_template (id),
  created DATETIME NOT NULL,
  last_updated DATETIME,
  job_id VARCHAR(255),
  download_pct INT(10),
  size BIGINT,
  store_role VARCHAR(255),
  physical_size BIGINT DEFAULT 0,
  download_state VARCHAR(255),
  error_str VARCHAR(255),
  local_path VARCHAR(255),
  install_path VARCHAR(255),
  url VARCHAR(255),
  state VARCHAR(255) NOT NULL,
  destroyed TINYINT(1),
  is_copy TINYINT(1) NOT NULL DEFAULT 0,
  update_count BIGINT,
  ref_cnt BIGINT DEFAULT 0,
  updated DATETIME,
  download_url VARCHAR(2048),
  download_url_created DATETIME
);

CREATE TABLE IF NOT EXISTS snapshot_store_ref (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  store_id BIGINT NOT NULL,
  snapshot_id BIGINT NOT NULL REFERENCES snapshots (id),
  created DATETIME NOT NULL,
  last_updated DATETIME,
  job_id VARCHAR(255),
  store_role VARCHAR(255),
  size BIGINT,
  physical_size BIGINT DEFAULT 0,
  parent_snapshot_id BIGINT DEFAULT 0,
  install_path VARCHAR(255),
  state VARCHAR(255) NOT NULL,
  update_count BIGINT,
  ref_cnt BIGINT,
  updated DATETIME,
  volume_id BIGINT,
  download_state VARCHAR(255),
  download_pct INT(10),
  error_str VARCHAR(255),
  display TINYINT(1) NOT NULL DEFAULT 1,
  local_path VARCHAR(255),
  download_url VARCHAR(2048),
  download_url_created DATETIME,
  kvm_checkpoint_path VARCHAR(255),
  end_of_chain INT(1)
);

CREATE TABLE IF NOT EXISTS volume_store_ref (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  store_id BIGINT NOT NULL REFERENCES image_store (id) ON DELETE CASCADE,
  volume_id BIGINT NOT NULL REFERENCES volumes (id),
  zone_id BIGINT NOT NULL,
  created DATETIME NOT NULL,
  last_updated DATETIME,
  job_id VARCHAR(255),
  download_pct INT(10),
  size BIGINT,
  physical_size BIGINT DEFAULT 0,
  download_state VARCHAR(255),
  checksum VARCHAR(255),
  error_str VARCHAR(255),
  local_path VARCHAR(255),
  install_path VARCHAR(255),
  url VARCHAR(255),
  download_url VARCHAR(2048),
  state VARCHAR(255) NOT NULL,
  destroyed TINYINT(1),
  update_count BIGINT,
  ref_cnt BIGINT,
  updated DATETIME,
  download_url_created DATETIME
);

CREATE TABLE IF NOT EXISTS template_zone_ref (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  zone_id BIGINT NOT NULL REFERENCES data_center (id) ON DELETE CASCADE,
  template_id BIGINT NOT NULL REFERENCES vm_template (id) ON DELETE CASCADE,
  created DATETIME NOT NULL,
  last_updated DATETIME,
  removed DATETIME
);

CREATE INDEX IF NOT EXISTS i_data_center__removed ON data_center (removed);
CREATE INDEX IF NOT EXISTS i_vm_template__removed ON vm_template (removed);
CREATE INDEX IF NOT EXISTS i_volumes__removed ON volumes (removed);
CREATE INDEX IF NOT EXISTS i_snapshots__volume_id ON snapshots (volume_id);
CREATE INDEX IF NOT EXISTS i_image_store_details__store_id ON image_store_details (store_id);
CREATE INDEX IF NOT EXISTS i_image_store__name__value ON image_store_details (name, value);
CREATE INDEX IF NOT EXISTS i_template_store_ref__store_id ON template_store_ref (store_id);
CREATE INDEX IF NOT EXISTS i_template_store_ref__template_id ON template_store_ref (template_id);
CREATE INDEX IF NOT EXISTS i_snapshot_store_ref__store_id ON snapshot_store_ref (store_id);
CREATE INDEX IF NOT EXISTS i_snapshot_store_ref__snapshot_id ON snapshot_store_ref (snapshot_id);
CREATE INDEX IF NOT EXISTS i_volume_store_ref__store_id ON volume_store_ref (store_id);
CREATE INDEX IF NOT EXISTS i_volume_store_ref__volume_id ON volume_store_ref (volume_id);
CREATE INDEX IF NOT EXISTS i_template_zone_ref__zone_id ON template_zone_ref (zone_id);
CREATE INDEX IF NOT EXISTS i_template_zone_ref__template_id ON template_zone_ref (template_id);
CREATE INDEX IF NOT EXISTS i_template_zone_ref__removed ON template_zone_ref (removed);
CREATE INDEX IF NOT EXISTS i_template_store_ref__install_path ON template_store_ref (install_path);
CREATE INDEX IF NOT EXISTS i_snapshot_store_ref__install_path ON snapshot_store_ref (install_path);
