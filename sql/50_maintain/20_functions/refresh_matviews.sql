CREATE OR REPLACE FUNCTION @extschema@.refresh_matviews(p_matview regclass DEFAULT NULL, p_force boolean DEFAULT FALSE)
RETURNS TABLE (
    matview text,
    action text,
    mode text,
    duration interval,
    reason text
)
LANGUAGE plpgsql
VOLATILE
-- DEFINER on purpose: REFRESH needs the view's owner; only views their owner registered
-- (register_matview() checks it) and wedopt's own are refreshed, and REFRESH runs the view's
-- query as its owner. No caller text reaches the statement (format %s of a regclass).
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_row record;
    v_oid regclass;
    v_start timestamptz;
    v_writes bigint;
    v_mode text;
    v_err text;
    v_found boolean := false;
BEGIN
    PERFORM @extschema@._require_primary('refresh_matviews()');
    FOR v_row IN SELECT s.* FROM @extschema@.matview_status() AS s LOOP
        v_oid := to_regclass(v_row.matview);
        IF p_matview IS NOT NULL AND v_oid IS DISTINCT FROM p_matview THEN
            CONTINUE;
        END IF;
        v_found := true;
        IF v_oid IS NULL THEN
            RETURN QUERY SELECT v_row.matview, 'missing', NULL::text, NULL::interval, v_row.due_reason;
            CONTINUE;
        END IF;
        IF NOT (v_row.due OR p_force) THEN
            RETURN QUERY SELECT v_row.matview, 'not_due', NULL::text, NULL::interval, v_row.due_reason;
            CONTINUE;
        END IF;
        -- Skip, never queue, when a refresh of it is running: wedopt's (the advisory lock, held
        -- to the end of this transaction) or anyone's (REFRESH's lock, seen in pg_locks).
        IF NOT pg_try_advisory_xact_lock(2003133556, (v_oid::oid::bigint - 2147483648)::integer)
            OR EXISTS (
                SELECT FROM pg_locks AS l
                WHERE
                    l.locktype = 'relation' AND l.database = (SELECT d.oid FROM pg_database AS d WHERE d.datname = current_database())
                    AND l.relation = v_oid AND l.pid <> pg_backend_pid()
                    AND l.mode IN ('ExclusiveLock', 'AccessExclusiveLock')
            ) THEN
            RETURN QUERY SELECT v_row.matview, 'skipped', NULL::text, NULL::interval,
                'a refresh of it is still running (not queued: the next run refreshes it)'::text;
            CONTINUE;
        END IF;
        v_mode := CASE WHEN v_row.concurrent THEN 'concurrently' ELSE 'plain' END;
        -- The write counters as the refresh starts: writes during it count as changes next time.
        SELECT coalesce(sum(t.n_tup_ins + t.n_tup_upd + t.n_tup_del), 0)::bigint INTO v_writes
        FROM @extschema@._matview_sources(v_oid) AS s
        JOIN pg_stat_all_tables AS t ON t.relid = s.relid;
        v_start := clock_timestamp();
        BEGIN
            IF v_mode = 'concurrently' THEN
                EXECUTE format('REFRESH MATERIALIZED VIEW CONCURRENTLY %s', v_oid);
            ELSE
                EXECUTE format('REFRESH MATERIALIZED VIEW %s', v_oid);
            END IF;
            UPDATE @extschema@.matview_policy AS p SET
                last_refresh_start = v_start, last_refresh_end = clock_timestamp(),
                last_duration = clock_timestamp() - v_start, last_mode = v_mode, last_status = 'succeeded',
                last_error = NULL, source_writes = v_writes, refreshes = p.refreshes + 1
            WHERE format('%I.%I', p.matview_schema, p.matview_name) = v_row.matview;
            RAISE NOTICE 'wedopt: refreshed % (%) in %', v_row.matview, v_mode, clock_timestamp() - v_start;
            RETURN QUERY SELECT v_row.matview, 'refreshed', v_mode, clock_timestamp() - v_start,
                CASE
                    WHEN p_force AND NOT v_row.due THEN 'forced; ' ELSE ''
                END || v_row.due_reason || CASE
                    WHEN v_row.concurrent THEN '' ELSE '; not concurrently: ' || v_row.concurrent_reason
                END;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = MESSAGE_TEXT;
            UPDATE @extschema@.matview_policy AS p SET
                last_status = 'failed', last_error = v_err, failures = p.failures + 1
            WHERE format('%I.%I', p.matview_schema, p.matview_name) = v_row.matview;
            RAISE WARNING 'wedopt: refreshing % failed: %', v_row.matview, v_err;
            RETURN QUERY SELECT v_row.matview, 'failed', v_mode, clock_timestamp() - v_start, v_err;
        END;
    END LOOP;
    IF p_matview IS NOT NULL AND NOT v_found THEN
        RAISE EXCEPTION 'wedopt: % is not registered', p_matview
        USING ERRCODE = 'undefined_object', HINT = 'Register it first: SELECT wedopt.register_matview(...).';
    END IF;
END
$$;

COMMENT ON FUNCTION @extschema@.refresh_matviews(regclass, boolean) IS
'wedopt: refresh the registered materialized views that are due by their policy (or p_matview '
'only; p_force: due or not), in dependency order; CONCURRENTLY when a unique index allows it '
'(else plain, saying why); skipped, not queued, when a refresh of it is still running. Records '
'start, duration, mode, status and the source write counters in matview_policy';

GRANT EXECUTE ON FUNCTION @extschema@.refresh_matviews(regclass, boolean) TO wedopt_admin;
