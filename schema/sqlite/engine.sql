-- csmigrate's own tables, created before any data transaction (CREATE ... IF NOT EXISTS).
-- The ledger: one row per applied run. A run that fails leaves no row (its transaction rolls back).
CREATE TABLE IF NOT EXISTS csm_run (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  rules_name VARCHAR(255) NOT NULL,
  rules_checksum CHAR(64) NOT NULL,
  params_checksum CHAR(64) NOT NULL,
  params_json TEXT NOT NULL,            -- the parameters, secrets masked
  state VARCHAR(16) NOT NULL,           -- applied | rolled_back
  operator VARCHAR(255) NOT NULL,       -- host:pid of the process that applied it
  started_at DATETIME NOT NULL,
  finished_at DATETIME,
  rolled_back_at DATETIME,
  result_json TEXT                      -- rows per step and per table, the new store's id
);
CREATE INDEX IF NOT EXISTS csm_run_checksums ON csm_run (rules_checksum, params_checksum, state);

-- The journal: every row a run touched. op I = inserted, U = updated, D = deleted.
-- before_image: U and D rows as they were before the run, as a JSON array of the columns the run
-- records with itself (csm_run.result_json); NULL for I rows.
-- after_image: I rows that no later step of the run writes, the digest of the row as inserted
-- (written with the journal row: the one write an inserted row costs); NULL otherwise, and the
-- digest is then in csm_journal_after.
CREATE TABLE IF NOT EXISTS csm_journal (
  run_id BIGINT NOT NULL,
  table_name VARCHAR(64) NOT NULL,
  row_id BIGINT NOT NULL,
  op CHAR(1) NOT NULL,
  step_no INT NOT NULL,
  before_image TEXT,
  after_image TEXT,
  PRIMARY KEY (run_id, table_name, row_id)
) WITHOUT ROWID;

-- After-images: digests of the rows the run updated, and of the rows it inserted that a later step
-- also wrote, as they were when the run committed (what rollback compares the current row with,
-- to see whether anything changed it since).
CREATE TABLE IF NOT EXISTS csm_journal_after (
  run_id BIGINT NOT NULL,
  table_name VARCHAR(64) NOT NULL,
  row_id BIGINT NOT NULL,
  after_image TEXT,
  PRIMARY KEY (run_id, table_name, row_id)
) WITHOUT ROWID;

-- Source rows picked by one_per steps during a run, kept with its journal: the staging row each
-- placeholder pinned, whose pin push and drain release (plan's picks never commit).
CREATE TABLE IF NOT EXISTS csm_pick (
  run_id BIGINT NOT NULL,
  step_no INT NOT NULL,
  src_id BIGINT NOT NULL,
  PRIMARY KEY (run_id, step_no, src_id)
);

-- The lease that lets one apply or rollback run at a time; expires_at is a Unix time.
CREATE TABLE IF NOT EXISTS csm_lock (
  name VARCHAR(64) PRIMARY KEY,
  holder VARCHAR(255) NOT NULL,
  acquired_at DATETIME NOT NULL,
  expires_at BIGINT NOT NULL
);
