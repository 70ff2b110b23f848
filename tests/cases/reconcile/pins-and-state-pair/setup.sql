-- The volume's placeholder is gone (as if pushed and then deleted): its pin is stale. The
-- template's count went below zero on a signed column. The volume's download_state and state
-- disagree. The snapshot's row is fine.
DELETE FROM volume_store_ref WHERE id = 2;
UPDATE template_store_ref SET ref_cnt = -1 WHERE id = 1;
UPDATE volume_store_ref SET download_state = 'DOWNLOAD_ERROR' WHERE id = 1;
