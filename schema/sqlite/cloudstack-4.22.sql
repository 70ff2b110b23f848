-- CloudStack 4.22 secondary-storage tables (cloudstack.md §1), as SQLite DDL for the csmigrate tests,
-- fixtures and the embedded default backend: the tables of cloudstack-4.3.sql as CloudStack's upgrade
-- scripts leave them on the 4.22 line (4.22.1), written by hand. Conversion-relevant changes:
--   image_store: url widened to VARCHAR(2048) (4.8), readonly (4.15)
--   image_store_details: display NOT NULL DEFAULT 1 (4.10)
--   template_store_ref: url widened to VARCHAR(2048) (4.8); download_url_created, download_url (4.4;
--     download_url widened from VARCHAR(255) to VARCHAR(2048) in 4.22.1)
--   snapshot_store_ref: download_state, download_pct, error_str, display NOT NULL DEFAULT 1,
--     local_path (snapshot copy and download), download_url, download_url_created (extraction),
--     kvm_checkpoint_path, end_of_chain (KVM incremental snapshots)
--   volume_store_ref: url and download_url widened to VARCHAR(2048) (4.8), download_url_created (4.4)
-- vm_template, data_center, volumes and snapshots have exactly CloudStack 4.22's columns, in its
-- order; as in cloudstack-4.3.sql, a column that CloudStack declares NOT NULL without a DEFAULT has no
-- DEFAULT here either (a test row or fixture must give it a value). CloudStack's CHARACTER SET
-- utf8mb4 on a few name columns needs nothing here (SQLite text is always Unicode).
--
-- Conventions: as in cloudstack-4.3.sql (INTEGER PRIMARY KEY AUTOINCREMENT, MySQL-ish declared types
-- for the right affinity, CloudStack's secondary indexes at the end of the file, foreign keys only
-- where CloudStack has them between these ten tables). CloudStack's foreign keys to tables that are
-- not part of this schema are left out: data_center.domain_id -> domain, vm_template.user_data_id ->
-- user_data, volumes.pool_id -> storage_pool, volumes.instance_id -> vm_instance (ON DELETE CASCADE),
-- volumes.passphrase_id -> passphrase, snapshots.account_id -> account.

CREATE TABLE IF NOT EXISTS data_center (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name VARCHAR(255),
  uuid VARCHAR(40) UNIQUE,
  description VARCHAR(255),
  dns1 VARCHAR(255) NOT NULL,
  dns2 VARCHAR(255),
  internal_dns1 VARCHAR(255) NOT NULL,
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
  owner VARCHAR(255),
  created DATETIME,
  lastUpdated DATETIME,
  engine_state VARCHAR(32) NOT NULL DEFAULT 'Disabled',
  ip6_dns1 VARCHAR(255),
  ip6_dns2 VARCHAR(255),
  sort_key INT(32) NOT NULL DEFAULT 0,
  type VARCHAR(32) DEFAULT 'Core',
  storage_access_groups VARCHAR(255)
);

CREATE TABLE IF NOT EXISTS vm_template (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  unique_name VARCHAR(255) NOT NULL,
  name VARCHAR(255) NOT NULL,
  uuid VARCHAR(40) UNIQUE,
  public INT(1) NOT NULL,
  featured INT(1) NOT NULL,
  type VARCHAR(32),
  hvm INT(1) NOT NULL,
  bits INT(6) NOT NULL,
  url VARCHAR(1024),
  format VARCHAR(32) NOT NULL,
  created DATETIME NOT NULL,
  removed DATETIME,
  account_id BIGINT NOT NULL,
  checksum VARCHAR(255),
  display_text VARCHAR(4096),
  enable_password INT(1) NOT NULL DEFAULT 1,
  enable_sshkey INT(1) NOT NULL DEFAULT 0,
  guest_os_id BIGINT NOT NULL,
  bootable INT(1) NOT NULL DEFAULT 1,
  prepopulate INT(1) NOT NULL DEFAULT 0,
  cross_zones INT(1) NOT NULL DEFAULT 0,
  extractable INT(1) NOT NULL DEFAULT 0,
  hypervisor_type VARCHAR(32),
  source_template_id BIGINT,
  template_tag VARCHAR(255),
  sort_key INT(32) NOT NULL DEFAULT 0,
  size BIGINT,
  state VARCHAR(255),
  update_count BIGINT,
  updated DATETIME,
  dynamically_scalable TINYINT(1) NOT NULL DEFAULT 0,
  parent_template_id BIGINT,
  direct_download TINYINT(1) DEFAULT 0,
  deploy_as_is TINYINT(1) NOT NULL DEFAULT 0,
  user_data_id BIGINT,
  user_data_link_policy VARCHAR(255),
  arch VARCHAR(8) DEFAULT 'x86_64',
  for_cks INT(1) DEFAULT 0,
  extension_id BIGINT
);

CREATE TABLE IF NOT EXISTS volumes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id BIGINT NOT NULL,
  domain_id BIGINT NOT NULL,
  pool_id BIGINT,
  last_pool_id BIGINT,
  instance_id BIGINT,
  device_id BIGINT,
  name VARCHAR(255),
  uuid VARCHAR(40) UNIQUE,
  size BIGINT NOT NULL,
  folder VARCHAR(255),
  path VARCHAR(255),
  pod_id BIGINT,
  data_center_id BIGINT NOT NULL,
  iscsi_name VARCHAR(255),
  host_ip CHAR(40),
  volume_type VARCHAR(64) NOT NULL,
  pool_type VARCHAR(64),
  disk_offering_id BIGINT NOT NULL,
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
  disk_type VARCHAR(255),
  vm_snapshot_chain_size BIGINT,
  iso_id BIGINT,
  display_volume TINYINT(1) NOT NULL DEFAULT 1,
  format VARCHAR(255),
  min_iops BIGINT,
  max_iops BIGINT,
  hv_ss_reserve INT(32),
  provisioning_type VARCHAR(32) NOT NULL DEFAULT 'thin',
  external_uuid VARCHAR(40),
  passphrase_id BIGINT,
  encrypt_format VARCHAR(64),
  delete_protection TINYINT(1) DEFAULT 0,
  last_id BIGINT
);

CREATE TABLE IF NOT EXISTS snapshots (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  data_center_id BIGINT NOT NULL,
  account_id BIGINT NOT NULL,
  domain_id BIGINT NOT NULL,
  volume_id BIGINT NOT NULL,
  disk_offering_id BIGINT NOT NULL,
  status VARCHAR(32),
  path VARCHAR(255),
  name VARCHAR(255) NOT NULL,
  uuid VARCHAR(40) UNIQUE,
  snapshot_type INT(4) NOT NULL,
  type_description VARCHAR(25),
  size BIGINT NOT NULL,
  created DATETIME,
  removed DATETIME,
  backup_snap_id VARCHAR(255),
  swift_id BIGINT,
  sechost_id BIGINT,
  prev_snap_id BIGINT,
  hypervisor_type VARCHAR(32) NOT NULL,
  version VARCHAR(32),
  min_iops BIGINT,
  max_iops BIGINT,
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
  url VARCHAR(2048),
  state VARCHAR(255) NOT NULL,
  destroyed TINYINT(1),
  is_copy TINYINT(1) NOT NULL DEFAULT 0,
  update_count BIGINT,
  ref_cnt BIGINT DEFAULT 0,
  updated DATETIME,
  download_url_created DATETIME,
  download_url VARCHAR(2048)
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
  url VARCHAR(2048),
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

CREATE INDEX IF NOT EXISTS i_data_center__domain_id ON data_center (domain_id);
CREATE INDEX IF NOT EXISTS i_data_center__allocation_state ON data_center (allocation_state);
CREATE INDEX IF NOT EXISTS i_data_center__zone_token ON data_center (zone_token);
CREATE INDEX IF NOT EXISTS i_data_center__removed ON data_center (removed);
CREATE INDEX IF NOT EXISTS i_vm_template__removed ON vm_template (removed);
CREATE INDEX IF NOT EXISTS i_vm_template__public ON vm_template (public);
CREATE INDEX IF NOT EXISTS fk_vm_template__user_data_id ON vm_template (user_data_id);
CREATE INDEX IF NOT EXISTS i_volumes__removed ON volumes (removed);
CREATE INDEX IF NOT EXISTS i_volumes__pod_id ON volumes (pod_id);
CREATE INDEX IF NOT EXISTS i_volumes__data_center_id ON volumes (data_center_id);
CREATE INDEX IF NOT EXISTS i_volumes__account_id ON volumes (account_id);
CREATE INDEX IF NOT EXISTS i_volumes__pool_id ON volumes (pool_id);
CREATE INDEX IF NOT EXISTS i_volumes__last_pool_id ON volumes (last_pool_id);
CREATE INDEX IF NOT EXISTS i_volumes__instance_id ON volumes (instance_id);
CREATE INDEX IF NOT EXISTS i_volumes__state ON volumes (state);
CREATE INDEX IF NOT EXISTS i_volumes__update_count ON volumes (update_count);
CREATE INDEX IF NOT EXISTS i_volumes__path ON volumes (path);
CREATE INDEX IF NOT EXISTS fk_volumes__passphrase_id ON volumes (passphrase_id);
CREATE INDEX IF NOT EXISTS i_snapshots__account_id ON snapshots (account_id);
CREATE INDEX IF NOT EXISTS i_snapshots__volume_id ON snapshots (volume_id);
CREATE INDEX IF NOT EXISTS i_snapshots__name ON snapshots (name);
CREATE INDEX IF NOT EXISTS i_snapshots__snapshot_type ON snapshots (snapshot_type);
CREATE INDEX IF NOT EXISTS i_snapshots__prev_snap_id ON snapshots (prev_snap_id);
CREATE INDEX IF NOT EXISTS i_snapshots__removed ON snapshots (removed);
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
