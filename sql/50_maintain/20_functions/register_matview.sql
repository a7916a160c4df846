CREATE OR REPLACE FUNCTION @extschema@.register_matview(
    p_matview regclass,
    p_policy text,
    p_refresh_interval interval DEFAULT NULL,
    p_staleness_limit interval DEFAULT NULL
)
RETURNS SETOF @extschema@.matview_policy
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_rel record;
BEGIN
    PERFORM @extschema@._require_primary('register_matview()');
    SELECT c.relkind, c.relowner, n.nspname, c.relname INTO v_rel
    FROM pg_class AS c JOIN pg_namespace AS n ON c.relnamespace = n.oid
    WHERE c.oid = p_matview;
    IF v_rel.relkind IS DISTINCT FROM 'm' THEN
        RAISE EXCEPTION 'wedopt: % is not a materialized view', p_matview
        USING ERRCODE = 'wrong_object_type', HINT = 'Register a materialized view (\dm lists them).';
    END IF;
    IF NOT pg_has_role(current_user, v_rel.relowner, 'USAGE') THEN
        RAISE EXCEPTION 'wedopt: only the owner of % may register it', p_matview
        USING ERRCODE = 'insufficient_privilege', HINT = 'Call it as its owner (or a member of the owner role).';
    END IF;
    IF p_policy IS NULL OR p_policy NOT IN ('interval', 'staleness', 'source_changed') THEN
        RAISE EXCEPTION 'wedopt: unknown refresh policy %', coalesce(quote_literal(p_policy), 'NULL')
        USING ERRCODE = 'invalid_parameter_value',
        HINT = 'Use ''interval'' (with p_refresh_interval), ''staleness'' (with p_staleness_limit) '
        || 'or ''source_changed''.';
    END IF;
    IF p_policy = 'interval' AND (p_refresh_interval IS NULL OR p_refresh_interval <= INTERVAL '0') THEN
        RAISE EXCEPTION 'wedopt: policy interval needs a positive p_refresh_interval'
        USING ERRCODE = 'invalid_parameter_value', HINT = 'For example p_refresh_interval => ''1 hour''.';
    END IF;
    IF p_policy = 'staleness' AND (p_staleness_limit IS NULL OR p_staleness_limit < INTERVAL '0') THEN
        RAISE EXCEPTION 'wedopt: policy staleness needs p_staleness_limit (0 or more)'
        USING ERRCODE = 'invalid_parameter_value', HINT = 'For example p_staleness_limit => ''15 minutes''.';
    END IF;
    IF p_refresh_interval < INTERVAL '1 minute' THEN
        RAISE EXCEPTION 'wedopt: a refresh interval under a minute cannot be kept'
        USING ERRCODE = 'invalid_parameter_value',
        HINT = 'The refresh job (pg_cron 1.4) runs at most once a minute.';
    END IF;
    RETURN QUERY
    INSERT INTO @extschema@.matview_policy AS p (
        matview_schema, matview_name, policy, refresh_interval, staleness_limit
    )
    VALUES (
        v_rel.nspname, v_rel.relname, p_policy,
        CASE WHEN p_policy = 'interval' THEN p_refresh_interval END,
        CASE WHEN p_policy = 'staleness' THEN p_staleness_limit END
    )
    ON CONFLICT (matview_schema, matview_name) DO UPDATE SET
        policy = excluded.policy,
        refresh_interval = excluded.refresh_interval,
        staleness_limit = excluded.staleness_limit
    RETURNING p.*;
END
$$;

COMMENT ON FUNCTION @extschema@.register_matview(regclass, text, interval, interval) IS
'wedopt: refresh a materialized view by policy (refresh_matviews()): ''interval'' (every '
'p_refresh_interval), ''staleness'' (when its sources changed and its data is older than '
'p_staleness_limit) or ''source_changed'' (as soon as its source tables were written). '
'Idempotent: registering again changes the policy and keeps the refresh history. Owner only';

GRANT EXECUTE ON FUNCTION @extschema@.register_matview(regclass, text, interval, interval) TO wedopt_admin;
