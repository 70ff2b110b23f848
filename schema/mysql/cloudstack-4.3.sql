-- CloudStack 4.3 secondary-storage tables (cloudstack.md §1), as MySQL/MariaDB DDL for the csmigrate
-- tests and `init`. The MySQL twin of schema/sqlite/cloudstack-4.3.sql: the SAME tables, columns (same
-- names, same order), NOT NULLs, DEFAULTs and foreign keys, with CloudStack's own MySQL types as
-- create-schema.sql + schema-40to410.sql + schema-410to420.sql + schema-420to421.sql +
-- schema-421to430.sql leave them, written by hand.
--
-- Conventions:
--  * ids are `bigint unsigned NOT NULL AUTO_INCREMENT` (never reused: InnoDB keeps its counter past a
--    deleted highest row, past a rolled-back insert and, since MariaDB 10.2.4 / MySQL 8.0, past a
--    server restart; an explicit id moves the counter beyond it).
--  * InnoDB, DEFAULT CHARSET=utf8 (utf8mb3 on MariaDB), as CloudStack; unsigned where CloudStack has
--    unsigned (ids, sizes, counts, ref_cnt, download_pct, 0/1 flags declared unsigned).
--  * All ten tables have exactly CloudStack 4.3's columns, in CloudStack's order, with its types,
--    NOT NULLs and DEFAULTs. A column that CloudStack declares NOT NULL without a DEFAULT (e.g.
--    vm_template.name, volumes.size, snapshots.account_id, data_center.dns1) has no DEFAULT here
--    either: a test row must give it a value, as on a real CloudStack database in strict mode.
--  * Foreign keys only where CloudStack 4.3 has them between these ten tables: none on
--    template_store_ref.store_id (commented out in CloudStack) nor on snapshot_store_ref.store_id
--    (a primary pool id when store_role is Primary). CloudStack's foreign keys to tables that are not
--    part of this schema are left out: data_center.domain_id -> domain, volumes.pool_id ->
--    storage_pool, volumes.instance_id -> vm_instance (ON DELETE CASCADE), snapshots.account_id ->
--    account, snapshots.s3_id -> s3. The indexes CloudStack has on those columns are kept.
--  * CloudStack's secondary indexes, with two differences: image_store_details.store_id is indexed as
--    i_image_store_details__store_id (in CloudStack, the implicit index of its foreign key), and the
--    redundant UNIQUE KEY id (id) of data_center, snapshots and image_store_details (a duplicate of
--    the primary key, dropped in 4.9) is left out. CloudStack's COMMENT clauses are left out.
--  * Indexes are declared inside CREATE TABLE so that the whole file is idempotent on MySQL too
--    (MySQL, unlike MariaDB, has no CREATE INDEX IF NOT EXISTS).
-- Run as one multi-statement script: plain statements, no DELIMITER, no transaction control.

CREATE TABLE IF NOT EXISTS data_center (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  name varchar(255),
  uuid varchar(40),
  description varchar(255),
  dns1 varchar(255) NOT NULL,
  dns2 varchar(255),
  internal_dns1 varchar(255) NOT NULL,
  internal_dns2 varchar(255),
  gateway varchar(15),
  netmask varchar(15),
  router_mac_address varchar(17) NOT NULL DEFAULT '02:00:00:00:00:01',
  mac_address bigint unsigned NOT NULL DEFAULT 1,
  guest_network_cidr varchar(18),
  domain varchar(100),
  domain_id bigint unsigned,
  networktype varchar(255) NOT NULL DEFAULT 'Basic',
  dns_provider char(64) DEFAULT 'VirtualRouter',
  gateway_provider char(64) DEFAULT 'VirtualRouter',
  firewall_provider char(64) DEFAULT 'VirtualRouter',
  dhcp_provider char(64) DEFAULT 'VirtualRouter',
  lb_provider char(64) DEFAULT 'VirtualRouter',
  vpn_provider char(64) DEFAULT 'VirtualRouter',
  userdata_provider char(64) DEFAULT 'VirtualRouter',
  allocation_state varchar(32) NOT NULL DEFAULT 'Enabled',
  zone_token varchar(255),
  is_security_group_enabled tinyint NOT NULL DEFAULT 0,
  is_local_storage_enabled tinyint NOT NULL DEFAULT 0,
  removed datetime,
  owner varchar(255),
  created datetime,
  lastUpdated datetime,
  engine_state varchar(32) NOT NULL DEFAULT 'Disabled',
  ip6_dns1 varchar(255),
  ip6_dns2 varchar(255),
  PRIMARY KEY (id),
  CONSTRAINT uc_data_center__uuid UNIQUE (uuid),
  INDEX i_data_center__domain_id (domain_id),
  INDEX i_data_center__allocation_state (allocation_state),
  INDEX i_data_center__zone_token (zone_token),
  INDEX i_data_center__removed (removed)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

CREATE TABLE IF NOT EXISTS vm_template (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  unique_name varchar(255) NOT NULL,
  name varchar(255) NOT NULL,
  uuid varchar(40),
  public int(1) unsigned NOT NULL,
  featured int(1) unsigned NOT NULL,
  type varchar(32),
  hvm int(1) unsigned NOT NULL,
  bits int(6) unsigned NOT NULL,
  url varchar(255),
  format varchar(32) NOT NULL,
  created datetime NOT NULL,
  removed datetime,
  account_id bigint unsigned NOT NULL,
  checksum varchar(255),
  display_text varchar(4096),
  enable_password int(1) unsigned NOT NULL DEFAULT 1,
  enable_sshkey int(1) unsigned NOT NULL DEFAULT 0,
  guest_os_id bigint unsigned NOT NULL,
  bootable int(1) unsigned NOT NULL DEFAULT 1,
  prepopulate int(1) unsigned NOT NULL DEFAULT 0,
  cross_zones int(1) unsigned NOT NULL DEFAULT 0,
  extractable int(1) unsigned NOT NULL DEFAULT 0,
  hypervisor_type varchar(32),
  source_template_id bigint unsigned,
  template_tag varchar(255),
  sort_key int(32) NOT NULL DEFAULT 0,
  size bigint unsigned,
  state varchar(255),
  update_count bigint unsigned,
  updated datetime,
  dynamically_scalable tinyint(1) unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  CONSTRAINT uc_vm_template__uuid UNIQUE (uuid),
  INDEX i_vm_template__removed (removed),
  INDEX i_vm_template__public (public)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

CREATE TABLE IF NOT EXISTS volumes (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  account_id bigint unsigned NOT NULL,
  domain_id bigint unsigned NOT NULL,
  pool_id bigint unsigned,
  last_pool_id bigint unsigned,
  instance_id bigint unsigned,
  device_id bigint unsigned,
  name varchar(255),
  uuid varchar(40),
  size bigint unsigned NOT NULL,
  folder varchar(255),
  path varchar(255),
  pod_id bigint unsigned,
  data_center_id bigint unsigned NOT NULL,
  iscsi_name varchar(255),
  host_ip char(40),
  volume_type varchar(64) NOT NULL,
  pool_type varchar(64),
  disk_offering_id bigint unsigned NOT NULL,
  template_id bigint unsigned,
  first_snapshot_backup_uuid varchar(255),
  recreatable tinyint(1) unsigned NOT NULL DEFAULT 0,
  created datetime,
  attached datetime,
  updated datetime,
  removed datetime,
  state varchar(32),
  chain_info text,
  update_count bigint unsigned NOT NULL DEFAULT 0,
  disk_type varchar(255),
  vm_snapshot_chain_size bigint unsigned,
  iso_id bigint unsigned,
  display_volume tinyint(1) NOT NULL DEFAULT 1,
  format varchar(255),
  min_iops bigint unsigned,
  max_iops bigint unsigned,
  hv_ss_reserve int(32) unsigned,
  PRIMARY KEY (id),
  CONSTRAINT uc_volumes__uuid UNIQUE (uuid),
  INDEX i_volumes__removed (removed),
  INDEX i_volumes__pod_id (pod_id),
  INDEX i_volumes__data_center_id (data_center_id),
  INDEX i_volumes__account_id (account_id),
  INDEX i_volumes__pool_id (pool_id),
  INDEX i_volumes__last_pool_id (last_pool_id),
  INDEX i_volumes__instance_id (instance_id),
  INDEX i_volumes__state (state),
  INDEX i_volumes__update_count (update_count)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

CREATE TABLE IF NOT EXISTS snapshots (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  data_center_id bigint unsigned NOT NULL,
  account_id bigint unsigned NOT NULL,
  domain_id bigint unsigned NOT NULL,
  volume_id bigint unsigned NOT NULL,
  disk_offering_id bigint unsigned NOT NULL,
  status varchar(32),
  path varchar(255),
  name varchar(255) NOT NULL,
  uuid varchar(40),
  snapshot_type int(4) NOT NULL,
  type_description varchar(25),
  size bigint unsigned NOT NULL,
  created datetime,
  removed datetime,
  backup_snap_id varchar(255),
  swift_id bigint unsigned,
  sechost_id bigint unsigned,
  prev_snap_id bigint unsigned,
  hypervisor_type varchar(32) NOT NULL,
  version varchar(32),
  s3_id bigint unsigned,
  PRIMARY KEY (id),
  CONSTRAINT uc_snapshots__uuid UNIQUE (uuid),
  INDEX i_snapshots__account_id (account_id),
  INDEX i_snapshots__volume_id (volume_id),
  INDEX i_snapshots__name (name),
  INDEX i_snapshots__snapshot_type (snapshot_type),
  INDEX i_snapshots__prev_snap_id (prev_snap_id),
  INDEX i_snapshots__removed (removed),
  INDEX fk_snapshots__s3_id (s3_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

CREATE TABLE IF NOT EXISTS image_store (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  name varchar(255) NOT NULL,
  image_provider_name varchar(255) NOT NULL,
  protocol varchar(255) NOT NULL,
  url varchar(255),
  data_center_id bigint unsigned,
  scope varchar(255),
  role varchar(255),
  uuid varchar(255),
  parent varchar(255),
  created datetime,
  removed datetime,
  total_size bigint unsigned,
  used_bytes bigint unsigned,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

CREATE TABLE IF NOT EXISTS image_store_details (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  store_id bigint unsigned NOT NULL,
  name varchar(255) NOT NULL,
  value varchar(255) NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT fk_image_store_details__store_id FOREIGN KEY (store_id) REFERENCES image_store (id) ON DELETE CASCADE,
  INDEX i_image_store_details__store_id (store_id),
  INDEX i_image_store__name__value (name(128), value(128))
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

CREATE TABLE IF NOT EXISTS template_store_ref (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  store_id bigint unsigned,
  template_id bigint unsigned NOT NULL,
  created datetime NOT NULL,
  last_updated datetime,
  job_id varchar(255),
  download_pct int(10) unsigned,
  size bigint unsigned,
  store_role varchar(255),
  physical_size bigint unsigned DEFAULT 0,
  download_state varchar(255),
  error_str varchar(255),
  local_path varchar(255),
  install_path varchar(255),
  url varchar(255),
  state varchar(255) NOT NULL,
  destroyed tinyint(1),
  is_copy tinyint(1) NOT NULL DEFAULT 0,
  update_count bigint unsigned,
  ref_cnt bigint unsigned DEFAULT 0,
  updated datetime,
  PRIMARY KEY (id),
  INDEX i_template_store_ref__store_id (store_id),
  CONSTRAINT fk_template_store_ref__template_id FOREIGN KEY (template_id) REFERENCES vm_template (id),
  INDEX i_template_store_ref__template_id (template_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

CREATE TABLE IF NOT EXISTS snapshot_store_ref (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  store_id bigint unsigned NOT NULL,
  snapshot_id bigint unsigned NOT NULL,
  created datetime NOT NULL,
  last_updated datetime,
  job_id varchar(255),
  store_role varchar(255),
  size bigint unsigned,
  physical_size bigint unsigned DEFAULT 0,
  parent_snapshot_id bigint unsigned DEFAULT 0,
  install_path varchar(255),
  state varchar(255) NOT NULL,
  update_count bigint unsigned,
  ref_cnt bigint unsigned,
  updated datetime,
  volume_id bigint unsigned,
  PRIMARY KEY (id),
  INDEX i_snapshot_store_ref__store_id (store_id),
  CONSTRAINT fk_snapshot_store_ref__snapshot_id FOREIGN KEY (snapshot_id) REFERENCES snapshots (id),
  INDEX i_snapshot_store_ref__snapshot_id (snapshot_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

CREATE TABLE IF NOT EXISTS volume_store_ref (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  store_id bigint unsigned NOT NULL,
  volume_id bigint unsigned NOT NULL,
  zone_id bigint unsigned NOT NULL,
  created datetime NOT NULL,
  last_updated datetime,
  job_id varchar(255),
  download_pct int(10) unsigned,
  size bigint unsigned,
  physical_size bigint unsigned DEFAULT 0,
  download_state varchar(255),
  checksum varchar(255),
  error_str varchar(255),
  local_path varchar(255),
  install_path varchar(255),
  url varchar(255),
  download_url varchar(255),
  state varchar(255) NOT NULL,
  destroyed tinyint(1),
  update_count bigint unsigned,
  ref_cnt bigint unsigned,
  updated datetime,
  PRIMARY KEY (id),
  CONSTRAINT fk_volume_store_ref__store_id FOREIGN KEY (store_id) REFERENCES image_store (id) ON DELETE CASCADE,
  INDEX i_volume_store_ref__store_id (store_id),
  CONSTRAINT fk_volume_store_ref__volume_id FOREIGN KEY (volume_id) REFERENCES volumes (id),
  INDEX i_volume_store_ref__volume_id (volume_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

CREATE TABLE IF NOT EXISTS template_zone_ref (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  zone_id bigint unsigned NOT NULL,
  template_id bigint unsigned NOT NULL,
  created datetime NOT NULL,
  last_updated datetime,
  removed datetime,
  PRIMARY KEY (id),
  CONSTRAINT fk_template_zone_ref__zone_id FOREIGN KEY (zone_id) REFERENCES data_center (id) ON DELETE CASCADE,
  INDEX i_template_zone_ref__zone_id (zone_id),
  CONSTRAINT fk_template_zone_ref__template_id FOREIGN KEY (template_id) REFERENCES vm_template (id) ON DELETE CASCADE,
  INDEX i_template_zone_ref__template_id (template_id),
  INDEX i_template_zone_ref__removed (removed)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
