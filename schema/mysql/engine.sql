-- csmigrate's own tables, created before any data transaction (CREATE ... IF NOT EXISTS), in the same
-- database as CloudStack's tables so that the journal commits or rolls back with the data. The MySQL
-- twin of schema/sqlite/engine.sql (same tables, same columns in the same order). InnoDB (the journal
-- must be transactional), utf8mb4 (images may hold any text); the index is declared inside CREATE TABLE
-- so that the file stays idempotent on MySQL, which has no CREATE INDEX IF NOT EXISTS.
-- Run as one multi-statement script: plain statements, no DELIMITER, no transaction control.

-- The ledger: one row per applied run. A run that fails leaves no row (its transaction rolls back).
-- id is AUTO_INCREMENT: never reused.
CREATE TABLE IF NOT EXISTS csm_run (
  id bigint NOT NULL AUTO_INCREMENT,
  rules_name varchar(255) NOT NULL,
  rules_checksum char(64) NOT NULL,
  params_checksum char(64) NOT NULL,
  params_json longtext NOT NULL,         -- the parameters, secrets masked
  state varchar(16) NOT NULL,            -- applied | rolled_back
  operator varchar(255) NOT NULL,        -- host:pid of the process that applied it
  started_at datetime NOT NULL,
  finished_at datetime,
  rolled_back_at datetime,
  result_json longtext,                  -- rows per step and per table, the new store's id
  PRIMARY KEY (id),
  INDEX csm_run_checksums (rules_checksum, params_checksum, state)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- The journal: every row a run touched. op I = inserted, U = updated, D = deleted.
-- before_image: U and D rows as they were before the run, as a JSON array of the columns the run
-- records with itself (csm_run.result_json); NULL for I rows.
-- after_image: I rows that no later step of the run writes, the digest of the row as inserted
-- (written with the journal row: the one write an inserted row costs); NULL otherwise, and the
-- digest is then in csm_journal_after.
CREATE TABLE IF NOT EXISTS csm_journal (
  run_id bigint NOT NULL,
  table_name varchar(64) NOT NULL,
  row_id bigint NOT NULL,
  op char(1) NOT NULL,
  step_no int NOT NULL,
  before_image longtext,
  after_image longtext,
  PRIMARY KEY (run_id, table_name, row_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- After-images: digests of the rows the run updated, and of the rows it inserted that a later step
-- also wrote, as they were when the run committed (what rollback compares the current row with,
-- to see whether anything changed it since).
CREATE TABLE IF NOT EXISTS csm_journal_after (
  run_id bigint NOT NULL,
  table_name varchar(64) NOT NULL,
  row_id bigint NOT NULL,
  after_image longtext,
  PRIMARY KEY (run_id, table_name, row_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Source rows picked by one_per steps during a run, kept with its journal: the staging row each
-- placeholder pinned, whose pin push and drain release (plan's picks never commit).
CREATE TABLE IF NOT EXISTS csm_pick (
  run_id bigint NOT NULL,
  step_no int NOT NULL,
  src_id bigint NOT NULL,
  PRIMARY KEY (run_id, step_no, src_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- The lease that lets one apply or rollback run at a time; expires_at is a Unix time.
CREATE TABLE IF NOT EXISTS csm_lock (
  name varchar(64) NOT NULL,
  holder varchar(255) NOT NULL,
  acquired_at datetime NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
