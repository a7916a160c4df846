-- Plans statements of pg_stat_statements (EXPLAIN only): SECURITY INVOKER, search_path NOT
-- pinned (see _recommend_matviews and doc/security.md).
CREATE OR REPLACE FUNCTION @extschema@.recommend_matviews(
    p_min_calls integer DEFAULT 100,
    p_limit integer DEFAULT 20
)
RETURNS SETOF @extschema@.matview_recommendation
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
DECLARE
    err_state text;
    err_message text;
    err_detail text;
    err_hint text;
BEGIN
    IF p_min_calls IS NULL OR p_min_calls OPERATOR(pg_catalog.<) 1 THEN
        RAISE EXCEPTION 'wedopt: p_min_calls must be 1 or more, not %', coalesce(p_min_calls::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', HINT = 'A statement repeated that many times is a candidate; e.g. 100.';
    END IF;
    IF p_limit IS NULL OR p_limit OPERATOR(pg_catalog.<) 1 THEN
        RAISE EXCEPTION 'wedopt: p_limit must be 1 or more, not %', coalesce(p_limit::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', HINT = 'The number of rows returned; e.g. 20.';
    END IF;
    RETURN QUERY SELECT r.* FROM @extschema@._recommend_matviews(p_min_calls, p_limit) AS r;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS
        err_state = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
        err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
    PERFORM @extschema@._raise_clean(err_state, err_message, err_detail, err_hint);
END
$$;

COMMENT ON FUNCTION @extschema@.recommend_matviews(integer, integer) IS
'wedopt: Runs the caller''s SQL (plans only, never executes it): statements of pg_stat_statements. '
'The heavy aggregate statements '
'(mean time from matview.min_mean_ms, p_min_calls calls or more) repeated over slowly changing tables '
'(at most matview.max_writes_per_call rows written per call), each with a CREATE MATERIALIZED VIEW, '
'the unique index on its NOT NULL group keys that allows REFRESH CONCURRENTLY (or why none), and a '
'register_matview() call with a refresh policy; rejected aggregates and errors come back as rows with '
'the reason. See doc/maintain.md';

GRANT EXECUTE ON FUNCTION @extschema@.recommend_matviews(integer, integer) TO wedopt_monitor;
