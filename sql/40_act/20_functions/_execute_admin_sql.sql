-- The body of execute_admin_sql(): p_search_path is the caller's, captured by the thin wrapper
-- (this function pins its own). Immediate statements run here, in the caller's transaction, under
-- act.lock_timeout with retries; VACUUM and CONCURRENTLY are queued for the dispatcher. auto_tune()
-- and rollback_action() call it with their own p_source and the action they follow (p_parent_id).
CREATE OR REPLACE FUNCTION @extschema@._execute_admin_sql(
    p_sql text,
    p_reason text,
    p_force boolean,
    p_search_path text,
    p_source text DEFAULT 'execute_admin_sql',
    p_parent_id bigint DEFAULT NULL
)
RETURNS TABLE (action_id bigint, status text)
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_plan record;
    v_id bigint;
    v_row jsonb;
    v_step text;
    v_started timestamptz;
    v_before jsonb;
    v_old_timeout text := pg_catalog.current_setting('lock_timeout');
    v_timeout text := @extschema@._act_lock_timeout();
    v_retries integer := @extschema@.get_setting('act.lock_retries')::integer;
    v_backoff integer := @extschema@.get_setting('act.retry_backoff_ms')::integer;
    v_attempt integer;
    v_state text;
    v_message text;
    v_detail text;
    v_hint text;
    v_worker boolean;
    v_busy bigint;
    v_confirm record;
    v_confirmed text [] := '{}';
BEGIN
    PERFORM @extschema@._require_primary('execute_admin_sql()');
    IF p_sql IS NULL THEN
        RAISE EXCEPTION 'wedopt: the admin statement is NULL'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'Pass one statement of the allow-list (doc/act.md).';
    END IF;
    v_plan := @extschema@._admin_plan(p_sql, p_search_path, coalesce(p_force, FALSE), p_reason);
    v_row := pg_catalog.jsonb_build_object(
        'queued_by', current_user, 'statement', p_sql, 'reason', p_reason, 'command_tag', v_plan.command_tag,
        'target', v_plan.target, 'target_oid', v_plan.target_oid, 'table_oid', v_plan.table_oid, 'steps', pg_catalog.to_jsonb(v_plan.steps),
        'search_path', p_search_path, 'forced', coalesce(p_force, FALSE), 'detail', v_plan.detail,
        'source', coalesce(p_source, 'execute_admin_sql'), 'parent_id', p_parent_id
    );
    IF NOT v_plan.ok THEN
        v_id := @extschema@._action_record(v_row || pg_catalog.jsonb_build_object(
            'mode', 'refused', 'status', 'refused', 'sqlstate', v_plan.refusal_state, 'error', v_plan.message,
            'hint', v_plan.hint, 'finished_at', pg_catalog.clock_timestamp()), TRUE);
        RAISE EXCEPTION USING ERRCODE = v_plan.refusal_state, MESSAGE = v_plan.message,
            DETAIL = pg_catalog.format('Logged as refused: wedopt.action_log id %s.', v_id), HINT = v_plan.hint;
    END IF;
    -- An immediate statement waiting for a lock that a running concurrent build holds, while the
    -- build waits for this transaction, is a deadlock: one action per table at a time.
    IF v_plan.mode OPERATOR(pg_catalog.=) 'immediate' THEN
        SELECT a.id INTO v_busy FROM @extschema@.action_log AS a
        WHERE a.table_oid OPERATOR(pg_catalog.=) v_plan.table_oid AND a.status IN ('queued', 'running')
        ORDER BY a.id LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'wedopt: action % on % is still queued or running', v_busy, v_plan.target
                USING ERRCODE = 'object_in_use',
                      HINT = pg_catalog.format('Nothing was run. CALL wedopt.wait_for_action(%s), then try again.', v_busy);
        END IF;
    END IF;
    v_before := @extschema@._action_figures(v_plan.table_oid);
    v_row := v_row || pg_catalog.jsonb_build_object('mode', v_plan.mode, 'before', v_before);

    IF v_plan.mode OPERATOR(pg_catalog.=) 'dispatched' THEN
        v_id := @extschema@._action_record(v_row || pg_catalog.jsonb_build_object(
            'status', 'queued', 'enqueue_xid', pg_catalog.pg_current_xact_id()::text));
        v_worker := @extschema@.get_setting('act.dispatcher') OPERATOR(pg_catalog.=) 'worker';
        IF v_worker THEN
            v_worker := @extschema@._dispatch_start(v_id);
            PERFORM @extschema@._action_update(v_id, pg_catalog.jsonb_build_object(
                'dispatched_at', pg_catalog.clock_timestamp(),
                'detail', pg_catalog.jsonb_build_object('dispatcher', CASE WHEN v_worker THEN 'worker' ELSE 'none free' END)));
            IF NOT v_worker THEN
                RAISE WARNING 'wedopt: no background worker free for action %: it waits for the pg_cron job', v_id
                    USING HINT = 'Raise max_worker_processes, or run it now: SELECT * FROM wedopt.pending_admin_statements() \gexec';
            END IF;
        END IF;
        RAISE NOTICE 'wedopt: action % queued (%): it starts when this transaction commits', v_id, v_plan.command_tag
            USING HINT = pg_catalog.format('CALL wedopt.wait_for_action(%s) waits for its outcome.', v_id);
        RETURN QUERY SELECT v_id, 'queued'::text;
        RETURN;
    END IF;

    -- Immediate: each step under lock_timeout, retried with a doubling backoff on a lock timeout.
    v_started := pg_catalog.clock_timestamp();
    FOREACH v_step IN ARRAY v_plan.steps LOOP
        PERFORM @extschema@._require_one_statement(v_step,
            (SELECT p.node_type FROM @extschema@._parse_statements(v_step) AS p LIMIT 1));
        v_attempt := 0;
        LOOP
            BEGIN
                PERFORM pg_catalog.set_config('lock_timeout', v_timeout, TRUE);
                PERFORM pg_catalog.set_config('search_path', p_search_path, TRUE);
                -- What the server must do, confirmed by its event triggers (_act_expect).
                PERFORM @extschema@._act_expect(v_step, p_search_path);
                EXECUTE v_step;
                v_confirm := @extschema@._act_confirmation(@extschema@._act_expect(NULL));
                IF NOT v_confirm.ok THEN
                    RAISE EXCEPTION 'wedopt: % was %', v_plan.command_tag, v_confirm.note USING ERRCODE = 'object_not_in_prerequisite_state',
                        HINT = 'Nothing of it was applied. The event trigger wedopt_act_confirm_ddl must fire for it (pg_event_trigger).';
                END IF;
                v_confirmed := v_confirmed || v_confirm.note;
                PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', TRUE);
                PERFORM pg_catalog.set_config('lock_timeout', v_old_timeout, TRUE);
                EXIT;
            EXCEPTION WHEN OTHERS THEN
                PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', TRUE);
                PERFORM pg_catalog.set_config('lock_timeout', v_old_timeout, TRUE);
                GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
                    v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
                IF v_state OPERATOR(pg_catalog.=) '55P03' AND v_attempt OPERATOR(pg_catalog.<) v_retries THEN
                    v_attempt := v_attempt OPERATOR(pg_catalog.+) 1;
                    RAISE NOTICE 'wedopt: % timed out on a lock, retry % of %', v_plan.command_tag, v_attempt, v_retries;
                    PERFORM pg_catalog.pg_sleep(LEAST(v_backoff OPERATOR(pg_catalog.*) (2 OPERATOR(pg_catalog.^) (v_attempt OPERATOR(pg_catalog.-) 1)), 10000) OPERATOR(pg_catalog./) 1000.0);
                    CONTINUE;
                END IF;
                v_id := @extschema@._action_record(v_row || pg_catalog.jsonb_build_object(
                    'status', 'failed', 'sqlstate', v_state, 'error', v_message, 'hint', nullif(v_hint, ''),
                    'started_at', v_started, 'finished_at', pg_catalog.clock_timestamp(),
                    'detail', v_plan.detail || pg_catalog.jsonb_build_object('lock_retries', v_attempt)), TRUE);
                RAISE EXCEPTION USING ERRCODE = v_state, MESSAGE = 'wedopt: ' || pg_catalog.regexp_replace(v_message, '^wedopt: ', ''),
                    DETAIL = pg_catalog.format('Logged as failed: wedopt.action_log id %s.%s', v_id, coalesce(' ' || nullif(v_detail, ''), '')),
                    HINT = coalesce(nullif(v_hint, ''), 'Nothing of it was applied.');
            END;
        END LOOP;
    END LOOP;
    v_id := @extschema@._action_record(v_row || pg_catalog.jsonb_build_object(
        'status', 'succeeded', 'started_at', v_started, 'finished_at', pg_catalog.clock_timestamp(),
        'after', @extschema@._action_figures(v_plan.table_oid),
        'detail', v_plan.detail || pg_catalog.jsonb_build_object('event_trigger', pg_catalog.to_jsonb(v_confirmed))));
    IF v_plan.detail ? 'skipped' THEN
        RAISE NOTICE 'wedopt: nothing to do: %', v_plan.detail->>'skipped';
    END IF;
    RETURN QUERY SELECT v_id, 'succeeded'::text;
END
$$;

COMMENT ON FUNCTION @extschema@._execute_admin_sql(text, text, boolean, text, text, bigint) IS
'wedopt (internal): the body of execute_admin_sql(), given the caller''s search_path; auto_tune() and '
'rollback_action() pass their own source and the parent action (wedopt.action_log.source, parent_id)';

GRANT EXECUTE ON FUNCTION @extschema@._execute_admin_sql(text, text, boolean, text, text, bigint) TO wedopt_admin;
