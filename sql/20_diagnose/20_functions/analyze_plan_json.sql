CREATE OR REPLACE FUNCTION @extschema@.analyze_plan(plan json)
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
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT a.* FROM @extschema@.analyze_plan(plan::text) AS a
$$;

COMMENT ON FUNCTION @extschema@.analyze_plan(json) IS
'wedopt: findings in an EXPLAIN (FORMAT JSON) plan, one row each: node (pre-order id, type, '
'relation), code, severity 0-100, message, suggestion (SQL where there is one) and evidence '
'(per-node time, cost, estimate factor, rows removed, buffers...); thresholds are the '
'diagnose.* settings (runs PL/Python)';

GRANT EXECUTE ON FUNCTION @extschema@.analyze_plan(json) TO wedopt_monitor;
