-- The tables the rule-error cases are validated against (in an SQLite database the test builds).
-- SQLite keeps each declared type as written, so these are the spellings SQLite, MariaDB and
-- PostgreSQL report (MariaDB's "bigint(20) unsigned" quoted, as SQLite's grammar wants it).
CREATE TABLE image_store (
  id "bigint(20) unsigned" NOT NULL PRIMARY KEY,
  name varchar(8) NOT NULL,
  role character varying(255),
  removed,
  data_center_id BIGINT,
  created timestamp without time zone,
  readonly boolean,
  ref_cnt INTEGER,
  destroyed "tinyint(1)",
  used_bytes "int(10) unsigned"
);
CREATE TABLE refs (id INTEGER PRIMARY KEY, store_id, obj NOT NULL, ref_cnt);
CREATE TABLE links (link_id INTEGER PRIMARY KEY, store_id);
CREATE TABLE image_store_details (
  id INTEGER PRIMARY KEY,
  store_id BIGINT,
  name varchar(255),
  value varchar(255)
);
