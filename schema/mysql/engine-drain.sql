-- The work board of drain and push (CREATE ... IF NOT EXISTS: created by the first drain or push
-- that uploads, in the same database as CloudStack's tables, so that any number of workers on any
-- hosts share the work through the database alone). The MySQL twin of schema/sqlite/engine-drain.sql
-- (same tables, same columns in the same order). Times are milliseconds since the Unix epoch on the
-- database server's clock (every worker compares leases against that one clock).
-- Run as one multi-statement script: plain statements, no DELIMITER, no transaction control.

-- One row per unit of work (an object, or the snapshots of one volume) a worker has offered.
-- state: open (nobody holds it), claimed (holder holds it until expires_ms, renewed by its
-- heartbeat), done (recorded in CloudStack's tables, in the same transaction), failed (message
-- says why; the next worker that starts tries it again). claims counts how often it was taken:
-- above zero before a worker takes it, an earlier attempt may have left an object or an
-- unfinished upload behind.
CREATE TABLE IF NOT EXISTS csm_claim (
  unit_key varchar(128) NOT NULL,
  description varchar(255) NOT NULL,
  bytes bigint NOT NULL,
  state varchar(16) NOT NULL,
  holder varchar(255),
  claims int NOT NULL,
  expires_ms bigint NOT NULL,
  updated_ms bigint NOT NULL,
  message text,
  PRIMARY KEY (unit_key),
  INDEX csm_claim_holder (holder, state)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- One row per worker process (host:pid): alive while expires_ms is ahead of the clock (its
-- heartbeat moves it), and what it has done.
CREATE TABLE IF NOT EXISTS csm_worker (
  holder varchar(255) NOT NULL,
  command varchar(16) NOT NULL,
  state varchar(16) NOT NULL,
  jobs int NOT NULL,
  bwlimit bigint,
  started_ms bigint NOT NULL,
  heartbeat_ms bigint NOT NULL,
  expires_ms bigint NOT NULL,
  units_pushed bigint NOT NULL,
  units_failed bigint NOT NULL,
  bytes_uploaded bigint NOT NULL,
  PRIMARY KEY (holder)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
