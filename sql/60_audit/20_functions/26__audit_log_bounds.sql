CREATE OR REPLACE FUNCTION @extschema@._audit_log_bounds(
    p_parent regclass DEFAULT '@extschema@.audit_log'::regclass
)
RETURNS TABLE (rel regclass, is_default boolean, lo timestamptz, hi timestamptz)
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    -- The partitions of p_parent (wedopt.audit_log or wedopt.audit_statement) with their real bounds (is_default: the default partition).
    SELECT
        c.oid::regclass,
        e.bound OPERATOR(pg_catalog.=) 'DEFAULT',
        CASE
            WHEN e.bound OPERATOR(pg_catalog.~) 'FROM \(MINVALUE\)' THEN '-infinity'::timestamptz
            ELSE pg_catalog.substring(e.bound, $re$FROM \('([^']+)'\)$re$)::timestamptz
        END,
        CASE
            WHEN e.bound OPERATOR(pg_catalog.~) 'TO \(MAXVALUE\)' THEN 'infinity'::timestamptz
            ELSE pg_catalog.substring(e.bound, $re$TO \('([^']+)'\)$re$)::timestamptz
        END
    FROM pg_catalog.pg_inherits AS i
    JOIN pg_catalog.pg_class AS c ON c.oid OPERATOR(pg_catalog.=) i.inhrelid
    CROSS JOIN LATERAL (SELECT pg_catalog.pg_get_expr(c.relpartbound, c.oid) AS bound) AS e
    WHERE i.inhparent OPERATOR(pg_catalog.=) p_parent
$$;

COMMENT ON FUNCTION @extschema@._audit_log_bounds(regclass) IS
'wedopt (internal): the partitions of wedopt.audit_log (or of another range-partitioned table, '
'wedopt.audit_statement) and their bounds, read from the catalog';

GRANT EXECUTE ON FUNCTION @extschema@._audit_log_bounds(regclass) TO wedopt_admin;
