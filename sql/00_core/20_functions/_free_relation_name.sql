CREATE OR REPLACE FUNCTION @extschema@._free_relation_name(p_schema name, p_name text)
RETURNS text
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    -- p_name, or p_name_2, p_name_3 ...: the first that no relation of p_schema bears (a
    -- partition detached by retention keeps its name).
    SELECT n.name
    FROM pg_catalog.generate_series(1, 1000) AS g (i)
    CROSS JOIN LATERAL (
        SELECT
            CASE
                WHEN g.i OPERATOR(pg_catalog.=) 1 THEN p_name
                ELSE p_name OPERATOR(pg_catalog.||) '_' OPERATOR(pg_catalog.||) g.i::text
            END
    ) AS n (name)
    -- generate_series yields in order: the first free name stops the scan (no ORDER BY, which
    -- would look up all 1000 names first).
    WHERE pg_catalog.to_regclass(pg_catalog.format('%I.%I', p_schema, n.name)) IS NULL
    LIMIT 1
$$;

COMMENT ON FUNCTION @extschema@._free_relation_name(name, text) IS
'wedopt (internal): a relation name in p_schema that no relation bears yet: p_name, else p_name_2, ...';

GRANT EXECUTE ON FUNCTION @extschema@._free_relation_name(name, text) TO wedopt_monitor;
