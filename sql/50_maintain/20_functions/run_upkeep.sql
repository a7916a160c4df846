CREATE OR REPLACE FUNCTION @extschema@.run_upkeep(p_dry_run boolean DEFAULT FALSE)
RETURNS TABLE (
    object text,
    kind text,
    reason text,
    statement text,
    action_id bigint,
    status text,
    error text
)
LANGUAGE plpgsql
VOLATILE
-- INVOKER on purpose: every action runs as the caller through execute_admin_sql(), which checks
-- ownership and the guard rails; statements are built with format %I from catalog names only.
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_min_bloat_share numeric := @extschema@.get_setting('upkeep.min_bloat_share')::numeric;
    v_min_bloat_bytes bigint := @extschema@.get_setting('upkeep.min_bloat_bytes')::bigint;
    v_min_dead_share numeric := @extschema@.get_setting('upkeep.min_dead_share')::numeric;
    v_min_dead_tuples bigint := @extschema@.get_setting('upkeep.min_dead_tuples')::bigint;
    v_max_actions integer := @extschema@.get_setting('upkeep.max_actions')::integer;
    v_busy oid[];
    v_row record;
    v_id bigint;
    v_status text;
    v_err text;
    v_detail text;
    v_done integer := 0;
    v_queued integer := 0;
    v_immediate integer := 0;
    v_refused integer := 0;
    v_left integer := 0;
BEGIN
    IF NOT p_dry_run THEN
        PERFORM @extschema@._require_primary('run_upkeep()');
    END IF;
    -- Tables and indexes with an action already queued or running are left to it.
    SELECT coalesce(array_agg(DISTINCT o), '{}') INTO v_busy
    FROM @extschema@.action_log AS a
    CROSS JOIN LATERAL unnest(ARRAY[a.target_oid, a.table_oid]::oid []) AS o
    WHERE a.status IN ('queued', 'running') AND o IS NOT NULL;

    FOR v_row IN
        WITH cand AS (
            -- vacuum (with analyze) where dead tuples pass both thresholds
            SELECT
                c.oid AS rel, c.oid AS tab, s.schema_name, s.table_name AS rel_name,
                'vacuum'::text AS kind, 1 AS rank, s.dead_tuples::numeric AS weight,
                format('%s dead tuples of %s (share %s >= %s, count >= %s)', s.dead_tuples,
                    s.live_tuples + s.dead_tuples, s.dead_tuple_ratio, v_min_dead_share, v_min_dead_tuples
                ) AS why,
                format('VACUUM (ANALYZE) %I.%I', s.schema_name, s.table_name) AS stmt
            FROM @extschema@.get_table_vacuum_stats(NULL) AS s
            JOIN pg_namespace AS n ON n.nspname = s.schema_name
            JOIN pg_class AS c ON c.relnamespace = n.oid AND c.relname = s.table_name
            WHERE
                s.dead_tuple_ratio >= v_min_dead_share AND s.dead_tuples >= v_min_dead_tuples
            UNION ALL
            -- analyze alone where autoanalyze is due but no vacuum is needed
            SELECT
                c.oid, c.oid, s.schema_name, s.table_name,
                'analyze', 3, s.modified_since_analyze::numeric,
                format('%s rows modified since the last analyze (> %s, autoanalyze due)',
                    s.modified_since_analyze, s.analyze_threshold),
                format('ANALYZE %I.%I', s.schema_name, s.table_name)
            FROM @extschema@.get_table_vacuum_stats(NULL) AS s
            JOIN pg_namespace AS n ON n.nspname = s.schema_name
            JOIN pg_class AS c ON c.relnamespace = n.oid AND c.relname = s.table_name
            WHERE
                s.autoanalyze_due
                AND NOT (coalesce(s.dead_tuple_ratio, 0) >= v_min_dead_share AND s.dead_tuples >= v_min_dead_tuples)
            UNION ALL
            -- reindex concurrently where the estimated bloat passes both thresholds
            SELECT
                ic.oid, i.indrelid, b.schema_name, b.index_name,
                'reindex', 2, b.bloat_bytes::numeric,
                format('%s of %s bytes bloat (share %s >= %s, bytes >= %s)', b.bloat_bytes, b.real_bytes,
                    b.bloat_ratio, v_min_bloat_share, v_min_bloat_bytes),
                format('REINDEX INDEX CONCURRENTLY %I.%I', b.schema_name, b.index_name)
            FROM @extschema@.get_index_bloat(NULL) AS b
            JOIN pg_namespace AS n ON n.nspname = b.schema_name
            JOIN pg_class AS ic ON ic.relnamespace = n.oid AND ic.relname = b.index_name
            JOIN pg_index AS i ON i.indexrelid = ic.oid
            WHERE b.bloat_ratio >= v_min_bloat_share AND b.bloat_bytes >= v_min_bloat_bytes
        )
        SELECT x.*
        FROM cand AS x
        JOIN pg_class AS c ON c.oid = x.rel
        JOIN pg_class AS t ON t.oid = x.tab
        WHERE
            -- not wedopt's own, not the system's, not an extension's, the caller's own only
            x.schema_name <> '@extschema@'
            AND x.schema_name NOT IN ('pg_catalog', 'information_schema')
            AND x.schema_name NOT LIKE 'pg\_toast%'
            AND x.schema_name NOT LIKE 'pg\_temp%'
            AND t.relkind IN ('r', 'm')
            AND NOT EXISTS (
                SELECT FROM pg_depend AS d
                WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid IN (x.rel, x.tab) AND d.deptype = 'e'
            )
            AND pg_has_role(current_user, c.relowner, 'USAGE')
            AND NOT (x.rel = ANY(v_busy) OR x.tab = ANY(v_busy))
        ORDER BY x.rank, x.weight DESC, x.schema_name, x.rel_name
    LOOP
        IF v_done >= v_max_actions THEN
            v_left := v_left + 1;
            CONTINUE;
        END IF;
        v_done := v_done + 1;
        IF p_dry_run THEN
            RETURN QUERY SELECT format('%I.%I', v_row.schema_name, v_row.rel_name), v_row.kind, v_row.why,
                v_row.stmt, NULL::bigint, 'dry_run'::text, NULL::text;
            CONTINUE;
        END IF;
        -- A refusal (guard rail, ownership changed, ...) is a row, not an abort: its own subtransaction.
        BEGIN
            SELECT r.action_id, r.status INTO v_id, v_status
            FROM @extschema@.execute_admin_sql(v_row.stmt, 'run_upkeep(): ' || v_row.why) AS r;
            v_err := NULL;
            IF v_status = 'queued' THEN
                v_queued := v_queued + 1;
            ELSE
                v_immediate := v_immediate + 1;
            END IF;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
            v_id := substring(v_detail FROM 'action_log id ([0-9]+)')::bigint;
            v_status := 'refused';
            v_refused := v_refused + 1;
        END;
        RETURN QUERY SELECT format('%I.%I', v_row.schema_name, v_row.rel_name), v_row.kind, v_row.why,
            v_row.stmt, v_id, v_status, v_err;
    END LOOP;
    IF p_dry_run THEN
        RAISE NOTICE 'wedopt: run_upkeep() dry run: % actions would be asked for, % left for a later run',
            v_done, v_left;
    ELSE
        RAISE NOTICE 'wedopt: run_upkeep(): % queued, % done at once, % refused, % left for a later run',
            v_queued, v_immediate, v_refused, v_left
        USING HINT = CASE WHEN v_queued > 0
            THEN 'Queued actions start when this transaction commits; CALL wedopt.wait_for_action(id) waits for one.'
        END;
    END IF;
END
$$;

COMMENT ON FUNCTION @extschema@.run_upkeep(boolean) IS
'wedopt: upkeep judged by observe''s figures: VACUUM (ANALYZE) of tables whose dead tuples pass '
'upkeep.min_dead_share and upkeep.min_dead_tuples, REINDEX INDEX CONCURRENTLY of indexes whose '
'estimated bloat passes upkeep.min_bloat_share and upkeep.min_bloat_bytes, ANALYZE where autoanalyze '
'is due; at most upkeep.max_actions per run, each through execute_admin_sql() as the caller (VACUUM '
'and REINDEX queued for the dispatcher, run after the caller commits). Skips wedopt''s, the '
'system''s and extensions'' objects, objects the caller does not own and those with an action queued '
'or running. One row per object; a refusal is a row (status refused). p_dry_run: list only';

GRANT EXECUTE ON FUNCTION @extschema@.run_upkeep(boolean) TO wedopt_admin;
