-- Runs the caller's SQL (timed EXPLAIN ANALYZE of one SELECT, read-only, rolled back):
-- SECURITY INVOKER, search_path NOT pinned (the caller's names must resolve), every reference of
-- its own qualified (see doc/security.md).
CREATE OR REPLACE FUNCTION @extschema@._auto_tune_measure(
    p_sql text, p_runs integer DEFAULT NULL, p_execute boolean DEFAULT TRUE
)
RETURNS jsonb
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
DECLARE
    v_runs integer := coalesce(p_runs, @extschema@.get_setting('act.auto_tune_runs')::integer);
    v_slow double precision := pg_catalog.date_part('epoch',
        @extschema@.get_setting('act.auto_tune_statement_timeout')::interval) OPERATOR(pg_catalog.*) 1000;
    v_stmt @extschema@.parsed_statement;
    v_count integer;
    v_plan jsonb;
    v_ms double precision;
    v_times double precision [] := '{}';
    v_judged text;
    v_value double precision;
    v_note text;
    v_relations oid [];
    v_indexes text [];
BEGIN
    SELECT pg_catalog.count(*)::integer INTO v_count FROM @extschema@._parse_statements(p_sql) AS p;
    IF v_count OPERATOR(pg_catalog.<>) 1 THEN
        RETURN pg_catalog.jsonb_build_object('judged_by', 'skipped',
            'note', pg_catalog.format('PostgreSQL''s parser sees %s statements, not one', v_count));
    END IF;
    SELECT p.* INTO v_stmt FROM @extschema@._parse_statements(p_sql) AS p;
    IF v_stmt.node_type OPERATOR(pg_catalog.<>) ALL (ARRAY['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']) THEN
        RETURN pg_catalog.jsonb_build_object('judged_by', 'skipped', 'note', v_stmt.command_tag || ' is not a query');
    END IF;
    -- Only a SELECT without $n runs, in a read-only subtransaction that is always rolled back
    -- (a writing CTE, FOR UPDATE or a function that writes fails, and is judged by its plan).
    IF NOT p_execute THEN
        -- A statement of pg_stat_statements that another role ran: running it with the caller's
        -- rights (a superuser's, under pg_cron) would run that role's functions with them.
        v_note := 'run by another role (pg_stat_statements): never executed as the caller, judged by its plan cost';
    ELSIF v_stmt.node_type OPERATOR(pg_catalog.=) 'SelectStmt' AND v_stmt.param_count OPERATOR(pg_catalog.=) 0 THEN
        BEGIN
            PERFORM pg_catalog.set_config('transaction_read_only', 'on', TRUE);
            FOR v_i IN 0..v_runs LOOP
                v_plan := @extschema@.execute_explain_query(p_sql, TRUE, '30 seconds')::jsonb;
                v_ms := (v_plan OPERATOR(pg_catalog.->) 0 OPERATOR(pg_catalog.->>) 'Execution Time')::double precision;
                IF v_i OPERATOR(pg_catalog.>) 0 OR v_ms OPERATOR(pg_catalog.>) v_slow THEN
                    v_times := v_times OPERATOR(pg_catalog.||) v_ms;
                END IF;
                -- Too slow to repeat: its one run counts.
                EXIT WHEN v_ms OPERATOR(pg_catalog.>) v_slow;
            END LOOP;
            RAISE EXCEPTION USING ERRCODE = 'WD002';
        EXCEPTION
            WHEN SQLSTATE 'WD002' THEN
                v_judged := 'execution';
            WHEN OTHERS THEN
                v_note := pg_catalog.format('not executed (%s: %s), judged by its plan cost', SQLSTATE,
                    pg_catalog.regexp_replace(SQLERRM, '^wedopt: ', ''));
                v_times := '{}';
        END;
    ELSIF v_stmt.param_count OPERATOR(pg_catalog.>) 0 THEN
        v_note := '$n parameters: not executed, judged by the cost of its generic plan';
    ELSE
        v_note := v_stmt.command_tag || ' writes: never executed to measure, judged by its plan cost';
    END IF;
    IF v_judged IS NULL THEN
        BEGIN
            v_plan := @extschema@.execute_explain_query(p_sql, FALSE, '30 seconds')::jsonb;
        EXCEPTION WHEN OTHERS THEN
            RETURN pg_catalog.jsonb_build_object('judged_by', 'skipped', 'note',
                pg_catalog.format('cannot be planned (%s: %s)', SQLSTATE, pg_catalog.regexp_replace(SQLERRM, '^wedopt: ', '')));
        END;
        v_judged := CASE WHEN v_stmt.param_count OPERATOR(pg_catalog.>) 0 THEN 'generic_plan_cost' ELSE 'plan_cost' END;
        v_value := (v_plan OPERATOR(pg_catalog.->) 0 OPERATOR(pg_catalog.->) 'Plan' OPERATOR(pg_catalog.->>) 'Total Cost')::double precision;
    ELSE
        SELECT pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY t) INTO v_value FROM pg_catalog.unnest(v_times) AS t;
    END IF;
    -- The tables it reads or writes (partitions count as their root) and the indexes it uses.
    SELECT pg_catalog.array_agg(DISTINCT coalesce(pg_catalog.pg_partition_root(r.oid), r.oid)) INTO v_relations
    FROM pg_catalog.jsonb_path_query(v_plan, 'strict $.**') AS n,
        LATERAL (SELECT pg_catalog.to_regclass(pg_catalog.format('%I.%I', n OPERATOR(pg_catalog.->>) 'Schema',
            n OPERATOR(pg_catalog.->>) 'Relation Name'))::oid AS oid) AS r
    WHERE pg_catalog.jsonb_typeof(n) OPERATOR(pg_catalog.=) 'object' AND n OPERATOR(pg_catalog.?) 'Relation Name'
        AND r.oid IS NOT NULL;
    SELECT pg_catalog.array_agg(DISTINCT n OPERATOR(pg_catalog.->>) 'Index Name') INTO v_indexes
    FROM pg_catalog.jsonb_path_query(v_plan, 'strict $.**') AS n
    WHERE pg_catalog.jsonb_typeof(n) OPERATOR(pg_catalog.=) 'object' AND n OPERATOR(pg_catalog.?) 'Index Name';
    RETURN pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
        'judged_by', v_judged,
        'value', pg_catalog.round(v_value::numeric, 3),
        'unit', CASE WHEN v_judged OPERATOR(pg_catalog.=) 'execution' THEN 'ms' ELSE 'cost' END,
        'runs_ms', CASE WHEN v_judged OPERATOR(pg_catalog.=) 'execution' THEN pg_catalog.to_jsonb(v_times) END,
        'note', v_note,
        'relations', pg_catalog.to_jsonb(coalesce(v_relations, '{}')),
        'indexes', pg_catalog.to_jsonb(coalesce(v_indexes, '{}'))
    ));
END
$$;

COMMENT ON FUNCTION @extschema@._auto_tune_measure(text, integer, boolean) IS
'wedopt (internal): Runs the caller''s SQL. What auto_tune() judges an index on, for one statement: '
'a SELECT without $n is executed (EXPLAIN ANALYZE, one warm-up and act.auto_tune_runs timed runs, '
'median Execution Time in ms) in a read-only subtransaction that is rolled back; a statement with '
'$n gets the cost of its generic plan, DML its plan cost (never executed); also the tables it '
'touches and the indexes its plan uses. p_execute false (a statement another role ran): plan cost only';

GRANT EXECUTE ON FUNCTION @extschema@._auto_tune_measure(text, integer, boolean) TO wedopt_admin;
