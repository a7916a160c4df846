-- Called by the dispatcher worker (and by _action_claim for psql), as the role that queued the
-- action: claims it, checks it again at execution time (ownership, targets, guard rails, the
-- state of an index of that name), and says which statement to run next. No row: nothing to run.
-- step_no -1 is the clean-up after a failure, 0 a statement run before the current step, -2: wait
-- (an earlier action on the same table is still open) and ask again.
CREATE OR REPLACE FUNCTION @extschema@._action_next_step(p_action_id bigint)
RETURNS TABLE (step_no integer, statement text, search_path text, lock_timeout text)
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_row @extschema@.action_log;
    v_plan record;
    v_step text;
    v_parsed @extschema@.parsed_statement;
    v_index regclass;
    v_timeout text := @extschema@._act_lock_timeout();
BEGIN
    SELECT a.* INTO v_row FROM @extschema@.action_log AS a WHERE a.id OPERATOR(pg_catalog.=) p_action_id;
    IF NOT FOUND OR v_row.status NOT IN ('queued', 'running') OR v_row.queued_by OPERATOR(pg_catalog.<>) current_user THEN
        RETURN;
    END IF;
    -- Another live process holds it: leave it alone.
    IF v_row.worker_pid IS NOT NULL AND v_row.worker_pid OPERATOR(pg_catalog.<>) pg_catalog.pg_backend_pid()
       AND EXISTS (SELECT FROM pg_catalog.pg_stat_activity AS s WHERE s.pid OPERATOR(pg_catalog.=) v_row.worker_pid) THEN
        RETURN;
    END IF;
    -- One action per table at a time: two concurrent builds wait for each other's snapshots.
    IF EXISTS (
        SELECT FROM @extschema@.action_log AS a
        JOIN pg_catalog.pg_stat_activity AS s ON s.pid OPERATOR(pg_catalog.=) a.worker_pid
        WHERE a.table_oid OPERATOR(pg_catalog.=) v_row.table_oid AND a.id OPERATOR(pg_catalog.<) v_row.id
            AND a.status IN ('queued', 'running')
    ) OR EXISTS (
        SELECT FROM @extschema@.action_log AS a
        WHERE a.table_oid OPERATOR(pg_catalog.=) v_row.table_oid AND a.id OPERATOR(pg_catalog.<) v_row.id
            AND a.status OPERATOR(pg_catalog.=) 'queued' AND a.mode OPERATOR(pg_catalog.=) 'dispatched'
    ) THEN
        RETURN QUERY SELECT -2, 'wait'::text, v_row.search_path, v_timeout;
        RETURN;
    END IF;
    IF v_row.status OPERATOR(pg_catalog.=) 'queued' THEN
        -- Checked again now: the object may have changed hands, the day may be an event day.
        v_plan := @extschema@._admin_plan(v_row.statement, v_row.search_path, v_row.forced, v_row.reason);
        IF NOT v_plan.ok THEN
            PERFORM @extschema@._action_update(p_action_id, pg_catalog.jsonb_build_object(
                'status', 'refused', 'sqlstate', v_plan.refusal_state, 'error', v_plan.message, 'hint', v_plan.hint,
                'worker_pid', pg_catalog.pg_backend_pid(), 'finished_at', pg_catalog.clock_timestamp(),
                'detail', pg_catalog.jsonb_build_object('refused_at_execution', TRUE)));
            RETURN;
        END IF;
        PERFORM @extschema@._action_update(p_action_id, pg_catalog.jsonb_build_object(
            'status', 'running', 'worker_pid', pg_catalog.pg_backend_pid(), 'started_at', pg_catalog.clock_timestamp(),
            'steps', pg_catalog.to_jsonb(v_plan.steps), 'detail', v_plan.detail));
        v_row.steps := v_plan.steps;
    ELSIF v_row.worker_pid IS DISTINCT FROM pg_catalog.pg_backend_pid() THEN
        PERFORM @extschema@._action_update(p_action_id, pg_catalog.jsonb_build_object('worker_pid', pg_catalog.pg_backend_pid()));
    END IF;
    IF v_row.cleanup IS NOT NULL THEN
        PERFORM @extschema@._act_expect(v_row.cleanup, v_row.search_path, p_action_id);
        RETURN QUERY SELECT -1, v_row.cleanup, v_row.search_path, v_timeout;
        RETURN;
    END IF;
    IF v_row.step_no OPERATOR(pg_catalog.>) coalesce(pg_catalog.cardinality(v_row.steps), 0) THEN
        PERFORM @extschema@._action_update(p_action_id, pg_catalog.jsonb_build_object(
            'status', 'succeeded', 'finished_at', pg_catalog.clock_timestamp(),
            'after', @extschema@._action_figures(coalesce(
                (SELECT i.indrelid FROM pg_catalog.pg_index AS i WHERE i.indexrelid OPERATOR(pg_catalog.=) v_row.target_oid),
                v_row.target_oid))));
        RETURN;
    END IF;
    v_step := v_row.steps[v_row.step_no];
    -- Before a concurrent build (again, after a timed-out attempt): an INVALID index of its name goes first.
    SELECT p.* INTO v_parsed FROM @extschema@._parse_statements(v_step) AS p;
    IF v_parsed.node_type OPERATOR(pg_catalog.=) 'IndexStmt' AND v_parsed.concurrent THEN
        v_index := @extschema@._action_index_of_step(v_step);
        IF v_index IS NOT NULL AND NOT (SELECT i.indisvalid FROM pg_catalog.pg_index AS i WHERE i.indexrelid OPERATOR(pg_catalog.=) v_index) THEN
            v_step := pg_catalog.format('DROP INDEX CONCURRENTLY %s', v_index::text);
            PERFORM @extschema@._act_expect(v_step, v_row.search_path, p_action_id);
            RETURN QUERY SELECT 0, v_step, v_row.search_path, v_timeout;
            RETURN;
        END IF;
    END IF;
    -- What the server must do, confirmed by its event triggers when the step runs (_act_expect).
    PERFORM @extschema@._act_expect(v_step, v_row.search_path, p_action_id);
    RETURN QUERY SELECT v_row.step_no, v_step, v_row.search_path, v_timeout;
END
$$;

COMMENT ON FUNCTION @extschema@._action_next_step(bigint) IS
'wedopt (internal): for the dispatcher, as the role that queued the action: claim it, check it again '
'at execution time, and return the next statement to run at top level (none when done)';

GRANT EXECUTE ON FUNCTION @extschema@._action_next_step(bigint) TO wedopt_admin;
