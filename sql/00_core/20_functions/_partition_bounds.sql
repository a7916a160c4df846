CREATE OR REPLACE FUNCTION @extschema@._partition_bounds(p_parent regclass)
RETURNS TABLE (rel regclass, is_default boolean, lo timestamptz, hi timestamptz)
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    -- The partitions of a range-partitioned table with their real bounds from the catalog
    -- (never from their names); MINVALUE / MAXVALUE read as -infinity / infinity. No SET
    -- clause, so that it inlines: callers that compare bounds of date / timestamp keys run in
    -- UTC (the zone every bound of wedopt is made in).
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

COMMENT ON FUNCTION @extschema@._partition_bounds(regclass) IS
'wedopt (internal): the partitions of a range-partitioned table on a date/timestamp key and their '
'real bounds, read from pg_class.relpartbound (the default partition flagged is_default)';

GRANT EXECUTE ON FUNCTION @extschema@._partition_bounds(regclass) TO wedopt_monitor;
