CREATE OR REPLACE FUNCTION @extschema@._matview_sources(p_matview oid)
RETURNS TABLE (relid oid, relkind text)
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    -- What the view's query reads, from pg_depend (its rewrite rule's dependencies), through
    -- plain views down to tables, partitioned tables (and their partitions), foreign tables
    -- and other materialized views.
    WITH RECURSIVE src (relid) AS (
        SELECT d.refobjid
        FROM pg_rewrite AS r
        JOIN pg_depend AS d
            ON
                d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                AND d.refclassid = 'pg_class'::regclass
        WHERE r.ev_class = p_matview AND d.refobjid <> p_matview
        UNION
        SELECT d.refobjid
        FROM src AS s
        JOIN pg_class AS v ON v.oid = s.relid AND v.relkind = 'v'
        JOIN pg_rewrite AS r ON r.ev_class = v.oid
        JOIN pg_depend AS d
            ON
                d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                AND d.refclassid = 'pg_class'::regclass
        WHERE d.refobjid <> v.oid
    ),

    rel AS (
        SELECT c.oid, c.relkind FROM src AS s JOIN pg_class AS c ON c.oid = s.relid
        WHERE c.relkind IN ('r', 'p', 'm', 'f')
    )

    SELECT rel.oid, rel.relkind::text FROM rel
    UNION
    SELECT t.relid, 'r'::text
    FROM rel, pg_partition_tree(rel.oid) AS t
    WHERE rel.relkind = 'p' AND t.isleaf
$$;

COMMENT ON FUNCTION @extschema@._matview_sources(oid) IS
'wedopt (internal): the relations a materialized view reads (pg_depend of its rewrite rule, '
'through views; partitions of partitioned tables): their write counters tell refresh_matviews() '
'whether its sources changed, and the materialized views among them give the refresh order';

GRANT EXECUTE ON FUNCTION @extschema@._matview_sources(oid) TO wedopt_monitor;
