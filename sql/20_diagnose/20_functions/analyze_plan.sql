-- The overload that does the work: an untyped literal resolves to it, and a plan that is not
-- valid json gets a wedopt error with a HINT (from the analyzer) instead of a cast's error at
-- the call site. analyze_plan(json) hands its plan here.
CREATE OR REPLACE FUNCTION @extschema@.analyze_plan(plan text)
RETURNS TABLE (
    node_id integer,
    node_type text,
    relation text,
    code text,
    severity integer,
    message text,
    suggestion text,
    evidence jsonb
)
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_max bigint;
    err_state text;
    err_message text;
    err_detail text;
    err_hint text;
BEGIN
    IF plan IS NULL THEN
        RAISE EXCEPTION 'wedopt: the plan is NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Pass the output of EXPLAIN (FORMAT JSON) or of wedopt.execute_explain_query().';
    END IF;
    v_max := @extschema@.get_setting('diagnose.max_plan_bytes')::bigint;
    IF octet_length(plan) > v_max THEN
        RAISE EXCEPTION 'wedopt: the plan is % bytes, more than diagnose.max_plan_bytes (%)',
            octet_length(plan), v_max
            USING ERRCODE = 'program_limit_exceeded',
                  HINT = 'Raise the limit with wedopt.set_setting(''diagnose.max_plan_bytes'', ...).';
    END IF;
    RETURN QUERY SELECT a.* FROM @extschema@._analyze_plan(plan) AS a;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS
        err_state = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
        err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
    PERFORM @extschema@._raise_clean(err_state, err_message, err_detail, err_hint);
END
$$;

COMMENT ON FUNCTION @extschema@.analyze_plan(text) IS
'wedopt: findings in an EXPLAIN (FORMAT JSON) plan given as text, one row each: node (pre-order id, '
'type, relation), code, severity 0-100, message, suggestion (SQL where there is one) and evidence '
'(per-node time, cost, estimate factor, rows removed, buffers...); thresholds are the diagnose.* '
'settings (runs PL/Python). A text that is not json gets SQLSTATE 22P02';

GRANT EXECUTE ON FUNCTION @extschema@.analyze_plan(text) TO wedopt_monitor;
