-- For `csmigrate plan` on a database csmigrate has never written to: the pick table its one_per
-- steps need, as a temporary table of this session, created inside the plan's transaction.
-- Temporary DDL writes nothing to the database (and, on MySQL, does not commit the transaction
-- implicitly, as CREATE TABLE would). Same columns as csm_pick in engine.sql.
CREATE TEMP TABLE csm_pick (
  run_id BIGINT NOT NULL,
  step_no INT NOT NULL,
  src_id BIGINT NOT NULL,
  PRIMARY KEY (run_id, step_no, src_id)
);
