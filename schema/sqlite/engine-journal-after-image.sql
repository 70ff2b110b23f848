-- Upgrades a csm_journal created before inserted rows' digests were written with the journal row
-- (engine.sql has the column). Older runs keep NULL there: their digests are in csm_journal_after.
ALTER TABLE csm_journal ADD COLUMN after_image TEXT;
