CREATE OR REPLACE FUNCTION @extschema@._health_wraparound_risk()
RETURNS SETOF @extschema@.health_finding
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_wrap_warn bigint := @extschema@.get_setting('observe.wraparound_warn_age')::bigint;
    v_wrap_error bigint := @extschema@.get_setting('observe.wraparound_error_age')::bigint;
BEGIN
    RETURN QUERY
    SELECT
        'wraparound_risk',
        CASE WHEN w.xid_age >= v_wrap_error THEN 'ERROR' ELSE 'WARN' END,
        'MAINTENANCE',
        w.object_name,
        format('%s %s has a transaction-ID age of %s (%s%% of the way to wraparound, where the '
            'server stops accepting writes)', w.scope, w.object_name, w.xid_age, w.pct_of_wraparound),
        CASE WHEN w.scope = 'table'
            THEN format('VACUUM (FREEZE, VERBOSE) %s;', w.object_name)
            ELSE format('-- in database %I, vacuum its oldest tables: vacuumdb --freeze %I', w.object_name,
                w.object_name)
        END,
        to_jsonb(w)
    FROM @extschema@.get_wraparound_risk(100) AS w
    WHERE w.xid_age >= v_wrap_warn AND w.object_name NOT LIKE 'pg\_toast.%';
END
$$;

COMMENT ON FUNCTION @extschema@._health_wraparound_risk() IS
'wedopt: check_health() lint: database and table transaction-ID ages near wraparound';

GRANT EXECUTE ON FUNCTION @extschema@._health_wraparound_risk() TO wedopt_monitor;
