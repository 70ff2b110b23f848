-- The work board of drain and push (CREATE ... IF NOT EXISTS: created by the first drain or push
-- that uploads, in the same database as CloudStack's tables, so that any number of workers on any
-- hosts share the work through the database alone). Times are milliseconds since the Unix epoch
-- on the database server's clock (every worker compares leases against that one clock).

-- One row per unit of work (an object, or the snapshots of one volume) a worker has offered.
-- state: open (nobody holds it), claimed (holder holds it until expires_ms, renewed by its
-- heartbeat), done (recorded in CloudStack's tables, in the same transaction), failed (message
-- says why; the next worker that starts tries it again). claims counts how often it was taken:
-- above zero before a worker takes it, an earlier attempt may have left an object or an
-- unfinished upload behind.
CREATE TABLE IF NOT EXISTS csm_claim (
  unit_key VARCHAR(128) PRIMARY KEY,
  description VARCHAR(255) NOT NULL,
  bytes BIGINT NOT NULL,
  state VARCHAR(16) NOT NULL,
  holder VARCHAR(255),
  claims INT NOT NULL,
  expires_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL,
  message TEXT
);
CREATE INDEX IF NOT EXISTS csm_claim_holder ON csm_claim (holder, state);

-- One row per worker process (host:pid): alive while expires_ms is ahead of the clock (its
-- heartbeat moves it), and what it has done.
CREATE TABLE IF NOT EXISTS csm_worker (
  holder VARCHAR(255) PRIMARY KEY,
  command VARCHAR(16) NOT NULL,
  state VARCHAR(16) NOT NULL,
  jobs INT NOT NULL,
  bwlimit BIGINT,
  started_ms BIGINT NOT NULL,
  heartbeat_ms BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL,
  units_pushed BIGINT NOT NULL,
  units_failed BIGINT NOT NULL,
  bytes_uploaded BIGINT NOT NULL
);
