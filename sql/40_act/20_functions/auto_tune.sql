-- One auto-tuning cycle. A procedure, not a function: CREATE INDEX CONCURRENTLY runs in the
-- dispatcher after the enqueuing transaction commits, and its "after" must be measured once the
-- index is valid, so the cycle COMMITs between its steps (as wait_for_action does). No SET clause
-- (a procedure with one cannot COMMIT) and no pinned search_path: the workload's statements resolve
-- under the caller's; every name of its own is qualified.
CREATE OR REPLACE PROCEDURE @extschema@.auto_tune(
    queries text[] DEFAULT NULL,
    as_of timestamptz DEFAULT NULL,
    INOUT report jsonb DEFAULT NULL
)
LANGUAGE plpgsql
SECURITY INVOKER
AS $$
DECLARE
    v_path text := pg_catalog.current_setting('search_path');
    v_now timestamptz := coalesce(as_of, pg_catalog.now());
    v_max integer := @extschema@.get_setting('act.auto_tune_max_indexes')::integer;
    v_wait interval := @extschema@.get_setting('act.auto_tune_build_timeout')::interval;
    v_retry interval := @extschema@.get_setting('act.auto_tune_retry_after')::interval;
    v_cycle bigint;
    v_work text [];
    v_exec text [];
    v_recs jsonb;
    v_rec jsonb;
    v_item jsonb;
    v_items jsonb := '[]';
    v_unused jsonb := '[]';
    v_list jsonb;
    v_res jsonb;
    v_why text;
    v_helped text [];
    v_measure text [];
    v_table oid;
    v_before jsonb;
    v_after jsonb;
    v_verdict jsonb;
    v_id bigint;
    v_status text;
    v_error text;
    v_state text;
    v_message text;
    v_hint text;
    v_detail text;
    v_index oid;
    v_applied integer := 0;
    v_counts jsonb;
BEGIN
    v_cycle := @extschema@._auto_tune_start(queries, v_now);
    COMMIT;

    -- 1. The grace period: indexes this cycle's earlier runs created and nobody uses.
    SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(u)), '[]') INTO v_list
    FROM @extschema@._auto_tune_unused(v_now) AS u;
    COMMIT;
    FOR v_rec IN SELECT pg_catalog.jsonb_array_elements(v_list) LOOP
        CALL @extschema@._undo_index((v_rec OPERATOR(pg_catalog.->>) 'action_id')::bigint, 'auto_tune',
            pg_catalog.format('unused: idx_scan %s has not grown since %s (act.auto_tune_unused_grace)',
                v_rec OPERATOR(pg_catalog.->>) 'idx_scan', v_rec OPERATOR(pg_catalog.->>) 'unused_since'),
            FALSE, v_path, v_res);
        v_unused := v_unused OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_array(v_rec OPERATOR(pg_catalog.||) v_res);
    END LOOP;

    -- 2. The workload and the index advisor's recommendations for it.
    BEGIN
        v_work := @extschema@._auto_tune_workload(queries);
        -- Executed to measure: the statements given, or those of pg_stat_statements this role ran.
        v_exec := coalesce(queries, @extschema@._auto_tune_workload(NULL, TRUE));
        SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) ORDER BY r.improvement_pct DESC), '[]') INTO v_recs
        FROM @extschema@.recommend_indexes_for_workload(queries, v_max, NULL) AS r
        WHERE r.kind OPERATOR(pg_catalog.=) 'create';
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT, v_hint = PG_EXCEPTION_HINT;
    END;
    IF v_state IS NOT NULL THEN
        PERFORM @extschema@._action_update(v_cycle, pg_catalog.jsonb_build_object('status', 'failed',
            'sqlstate', v_state, 'error', v_message, 'hint', v_hint, 'finished_at', pg_catalog.clock_timestamp(),
            'detail', pg_catalog.jsonb_build_object('report', pg_catalog.jsonb_build_object('unused_dropped', v_unused))));
        COMMIT;
        RAISE EXCEPTION USING ERRCODE = v_state, MESSAGE = v_message,
            DETAIL = pg_catalog.format('auto_tune cycle: wedopt.action_log id %s (failed).', v_cycle),
            HINT = coalesce(v_hint, 'Check the workload statements run on their own.');
    END IF;

    -- 3. and 4. Each recommendation the policy allows: measure, apply, wait, measure, judge.
    FOR v_rec IN SELECT pg_catalog.jsonb_array_elements(v_recs) LOOP
        v_item := pg_catalog.jsonb_build_object('index', v_rec OPERATOR(pg_catalog.->>) 'statement',
            'table', v_rec OPERATOR(pg_catalog.->>) 'table_name',
            'estimated_bytes', v_rec OPERATOR(pg_catalog.->) 'estimated_bytes',
            'cost_before', v_rec OPERATOR(pg_catalog.->) 'cost_before', 'cost_after', v_rec OPERATOR(pg_catalog.->) 'cost_after');
        v_why := @extschema@._auto_tune_allowed(v_rec OPERATOR(pg_catalog.->>) 'table_name',
            (v_rec OPERATOR(pg_catalog.->>) 'estimated_bytes')::bigint);
        IF v_why IS NULL THEN
            SELECT pg_catalog.format('rolled back by action %s on %s: not retried before act.auto_tune_retry_after',
                    a.detail OPERATOR(pg_catalog.->>) 'rolled_back_by', a.finished_at) INTO v_why
            FROM @extschema@.action_log AS a
            WHERE a.source OPERATOR(pg_catalog.=) 'auto_tune' AND a.status OPERATOR(pg_catalog.=) 'rolled_back'
                AND a.statement OPERATOR(pg_catalog.=) (v_rec OPERATOR(pg_catalog.->>) 'statement')
                AND a.finished_at OPERATOR(pg_catalog.>) (v_now OPERATOR(pg_catalog.-) v_retry)
            ORDER BY a.id DESC LIMIT 1;
        END IF;
        IF v_why IS NOT NULL THEN
            v_items := v_items OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_array(v_item OPERATOR(pg_catalog.||)
                pg_catalog.jsonb_build_object('outcome', 'not_applied', 'reason', v_why));
            CONTINUE;
        END IF;
        -- What is measured: the statements it helps, and the other workload statements on its table.
        v_helped := @extschema@._auto_tune_helped(v_rec OPERATOR(pg_catalog.->) 'statements_helped', queries, v_work);
        v_table := pg_catalog.to_regclass(v_rec OPERATOR(pg_catalog.->>) 'table_name')::oid;
        v_before := @extschema@._auto_tune_measure_set(v_work OPERATOR(pg_catalog.||) v_helped, v_exec);
        SELECT pg_catalog.array_agg(k) INTO v_measure FROM pg_catalog.jsonb_object_keys(v_before) AS k
        WHERE k OPERATOR(pg_catalog.=) ANY (v_helped)
            OR v_before OPERATOR(pg_catalog.->) k OPERATOR(pg_catalog.->) 'relations' OPERATOR(pg_catalog.@>) pg_catalog.to_jsonb(v_table);
        SELECT coalesce(pg_catalog.jsonb_object_agg(k, v_before OPERATOR(pg_catalog.->) k), '{}') INTO v_before
        FROM pg_catalog.unnest(v_measure) AS k;
        v_state := NULL;
        BEGIN
            SELECT r.action_id, r.status INTO v_id, v_status
            FROM @extschema@._execute_admin_sql(v_rec OPERATOR(pg_catalog.->>) 'statement',
                'auto_tune: ' OPERATOR(pg_catalog.||) (v_rec OPERATOR(pg_catalog.->>) 'rationale'), FALSE, v_path,
                'auto_tune', v_cycle) AS r;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
                v_hint = PG_EXCEPTION_HINT, v_detail = PG_EXCEPTION_DETAIL;
        END;
        IF v_state IS NOT NULL THEN
            v_items := v_items OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_array(v_item OPERATOR(pg_catalog.||)
                pg_catalog.jsonb_build_object('outcome', 'refused', 'sqlstate', v_state, 'reason', v_message,
                    'hint', v_hint, 'detail', v_detail));
            CONTINUE;
        END IF;
        v_applied := v_applied OPERATOR(pg_catalog.+) 1;
        COMMIT;
        IF v_status OPERATOR(pg_catalog.=) 'queued' THEN
            CALL @extschema@.wait_for_action(v_id, v_wait, v_status, v_error);
        END IF;
        v_item := v_item OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('action_id', v_id);
        IF v_status OPERATOR(pg_catalog.<>) 'succeeded' THEN
            v_items := v_items OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_array(v_item OPERATOR(pg_catalog.||)
                pg_catalog.jsonb_build_object('outcome', v_status, 'reason', v_error));
            CONTINUE;
        END IF;
        IF (SELECT a.detail OPERATOR(pg_catalog.?) 'skipped' FROM @extschema@.action_log AS a WHERE a.id OPERATOR(pg_catalog.=) v_id) THEN
            v_items := v_items OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_array(v_item OPERATOR(pg_catalog.||)
                pg_catalog.jsonb_build_object('outcome', 'exists', 'reason', 'an index of that name exists: not judged, never dropped'));
            CONTINUE;
        END IF;
        SELECT pg_catalog.to_regclass(a.target)::oid INTO v_index FROM @extschema@.action_log AS a WHERE a.id OPERATOR(pg_catalog.=) v_id;
        v_after := @extschema@._auto_tune_measure_set(v_measure, v_exec);
        v_verdict := @extschema@._auto_tune_judge(v_before, v_after, v_helped,
            (SELECT c.relname::text FROM pg_catalog.pg_class AS c WHERE c.oid OPERATOR(pg_catalog.=) v_index));
        PERFORM @extschema@._action_annotate(v_id, pg_catalog.jsonb_build_object('index_oid', v_index,
            'auto_tune', pg_catalog.jsonb_build_object('cycle', v_cycle, 'verdict', v_verdict,
                'helped', pg_catalog.to_jsonb(v_helped), 'before', v_before, 'after', v_after),
            'usage', pg_catalog.jsonb_build_object('since', v_now)));
        COMMIT;
        v_item := v_item OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('verdict', v_verdict);
        IF (v_verdict OPERATOR(pg_catalog.->>) 'keep')::boolean THEN
            v_items := v_items OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_array(v_item OPERATOR(pg_catalog.||)
                pg_catalog.jsonb_build_object('outcome', 'kept', 'reason', v_verdict OPERATOR(pg_catalog.->>) 'reason'));
            CONTINUE;
        END IF;
        CALL @extschema@._undo_index(v_id, 'auto_tune', v_verdict OPERATOR(pg_catalog.->>) 'reason', FALSE, v_path, v_res);
        v_items := v_items OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_array(v_item OPERATOR(pg_catalog.||)
            pg_catalog.jsonb_build_object('outcome', CASE WHEN v_res OPERATOR(pg_catalog.->>) 'outcome' OPERATOR(pg_catalog.=) 'rolled_back'
                THEN 'rolled_back' ELSE 'rollback_' OPERATOR(pg_catalog.||) (v_res OPERATOR(pg_catalog.->>) 'outcome') END,
                'reason', v_verdict OPERATOR(pg_catalog.->>) 'reason', 'rollback', v_res));
    END LOOP;

    -- The report, in the cycle's action and returned.
    SELECT pg_catalog.jsonb_object_agg(o.outcome, o.n) INTO v_counts FROM (
        SELECT i OPERATOR(pg_catalog.->>) 'outcome' AS outcome, pg_catalog.count(*) AS n
        FROM pg_catalog.jsonb_array_elements(v_items) AS i GROUP BY 1
    ) AS o;
    report := pg_catalog.jsonb_build_object(
        'cycle', v_cycle, 'policy', @extschema@.get_setting('act.auto_apply'),
        'workload_statements', coalesce(pg_catalog.cardinality(v_work), 0),
        'recommended', pg_catalog.jsonb_array_length(v_recs), 'applied', v_applied,
        'not_applied', coalesce((v_counts OPERATOR(pg_catalog.->>) 'not_applied')::integer, 0),
        'refused', coalesce((v_counts OPERATOR(pg_catalog.->>) 'refused')::integer, 0),
        'kept', coalesce((v_counts OPERATOR(pg_catalog.->>) 'kept')::integer, 0),
        'rolled_back', coalesce((v_counts OPERATOR(pg_catalog.->>) 'rolled_back')::integer, 0),
        'unused_dropped', (SELECT pg_catalog.count(*) FROM pg_catalog.jsonb_array_elements(v_unused) AS u
            WHERE u OPERATOR(pg_catalog.->>) 'outcome' OPERATOR(pg_catalog.=) 'rolled_back'),
        -- Nothing created, nothing dropped (recommendations the policy or the retry window holds
        -- back are listed, not acted on).
        'nothing_to_do', v_applied OPERATOR(pg_catalog.=) 0
            AND pg_catalog.jsonb_array_length(v_unused) OPERATOR(pg_catalog.=) 0,
        'items', v_items, 'unused', v_unused);
    PERFORM @extschema@._action_update(v_cycle, pg_catalog.jsonb_build_object('status', 'succeeded',
        'finished_at', pg_catalog.clock_timestamp(), 'detail', pg_catalog.jsonb_build_object('report', report)));
    COMMIT;
    IF (report OPERATOR(pg_catalog.->>) 'nothing_to_do')::boolean THEN
        RAISE NOTICE 'wedopt: auto_tune cycle %: nothing new to do (% workload statements, % recommendations held back, no index created or dropped)',
            v_cycle, report OPERATOR(pg_catalog.->>) 'workload_statements', report OPERATOR(pg_catalog.->>) 'not_applied';
    ELSE
        RAISE NOTICE 'wedopt: auto_tune cycle %: % recommended, % applied, % not applied by policy, % refused, % kept, % rolled back, % unused dropped',
            v_cycle, report OPERATOR(pg_catalog.->>) 'recommended', v_applied, report OPERATOR(pg_catalog.->>) 'not_applied',
            report OPERATOR(pg_catalog.->>) 'refused', report OPERATOR(pg_catalog.->>) 'kept',
            report OPERATOR(pg_catalog.->>) 'rolled_back', report OPERATOR(pg_catalog.->>) 'unused_dropped';
    END IF;
END
$$;

COMMENT ON PROCEDURE @extschema@.auto_tune (text [], timestamptz, jsonb) IS
'wedopt: CALL wedopt.auto_tune() runs one auto-tuning cycle (outside a transaction block). Commits '
'between its steps, and Runs the caller''s SQL (the workload, timed), so no SET search_path: drops '
'the indexes it created that stayed unused for act.auto_tune_unused_grace, collects the workload '
'(the queries given, or the top pg_stat_statements statements by total time), asks the index '
'advisor, applies what act.auto_apply allows through execute_admin_sql (guard rails apply), measures '
'the statements each index helps before and after with real executions (SELECTs without $n; others '
'by plan cost) and rolls back an index below act.auto_tune_min_gain or one that slows another '
'statement beyond act.auto_tune_max_regression. Returns a jsonb report, also kept in the cycle''s '
'wedopt.action_log row (command_tag AUTO TUNE). as_of replaces now() for the grace period and the '
'retry window';

GRANT EXECUTE ON PROCEDURE @extschema@.auto_tune(text[], timestamptz, jsonb) TO wedopt_admin;
