CREATE OR REPLACE FUNCTION @extschema@._bloat_toast_pages(p_toast oid)
RETURNS double precision
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- Pages the TOAST table would take once rebuilt. A rewrite (VACUUM FULL)
    -- stores each value's chunks one after the other, a page taking chunks until the next
    -- does not fit (no free space map), so the waste at page ends depends on how long the
    -- values are: the sampled chunks are replayed in value order (chunk_id, chunk_seq), not
    -- in the order the free space map gave them. The live chunks of a sample of 100 pages (50 runs of 2, spread evenly over the
    -- table; TID range scans, as TABLESAMPLE refuses TOAST tables) are packed so, and the
    -- pages they take, per page sampled, scale to the whole table. Only octet_length(chunk_data)
    -- is read, never the data.
    v_usable constant integer := current_setting('block_size')::integer - 24;
    v_name name;
    v_pages integer;
    v_free integer := v_usable;
    v_used integer := 1;
    v_seen bigint := 0;
    v_len integer;
    v_item integer;
    v_start bigint;
    v_run integer;
    v_sampled bigint := 0;
BEGIN
    SELECT c.relname, pg_relation_size(c.oid) / current_setting('block_size')::integer INTO v_name, v_pages
    FROM pg_class AS c
    JOIN pg_namespace AS n ON c.relnamespace = n.oid
    WHERE c.oid = p_toast AND c.relkind = 't' AND n.nspname = 'pg_toast';
    IF NOT found OR v_pages <= 0 THEN
        RETURN 0;
    END IF;
    FOR v_run IN 0 .. 49 LOOP
        v_start := (v_run::bigint * greatest(v_pages - 2, 0)) / 49;
        FOR v_len IN EXECUTE format(
            'SELECT octet_length(chunk_data) FROM pg_toast.%I WHERE ctid >= $1 AND ctid < $2 '
            'ORDER BY chunk_id, chunk_seq',
            v_name
        ) USING format('(%s,0)', v_start)::tid, format('(%s,0)', v_start + 2)::tid LOOP
            -- heap tuple header 24 + chunk_id 4 + chunk_seq 4 + bytea header (1 or 4) + data,
            -- padded to 8, + a 4-byte line pointer
            v_item := (24 + 8 + CASE WHEN v_len + 1 <= 127 THEN 1 ELSE 4 END + v_len + 7) / 8 * 8 + 4;
            IF v_item > v_free THEN
                v_used := v_used + 1;
                v_free := v_usable;
            END IF;
            v_free := v_free - v_item;
            v_seen := v_seen + 1;
        END LOOP;
        v_sampled := v_sampled + least(2, v_pages);
        EXIT WHEN v_pages <= 2;
    END LOOP;
    IF v_seen = 0 THEN
        RETURN 0;
    END IF;
    RETURN v_pages * (v_used - 1 + (v_usable - v_free)::double precision / v_usable) / v_sampled;
EXCEPTION
    WHEN undefined_table THEN
        RETURN NULL;  -- dropped under us (with its table): no estimate
END
$$;

COMMENT ON FUNCTION @extschema@._bloat_toast_pages(oid) IS
'wedopt (internal): pages a TOAST table would take once rebuilt (VACUUM FULL), from the live '
'chunk lengths of a sample of 100 of its pages; for get_table_bloat()';
