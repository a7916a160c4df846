CREATE OR REPLACE FUNCTION @extschema@._health_table_without_primary_key()
RETURNS SETOF @extschema@.health_finding
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT
        'table_without_primary_key', 'WARN', 'INTEGRITY',
        t.oid::regclass::text,
        format('table %s has no primary key: duplicate rows cannot be told apart, and logical '
            'replication cannot send its updates and deletes', t.oid::regclass),
        NULL::text,
        jsonb_build_object('table', t.oid::regclass::text, 'row_estimate', greatest(t.reltuples, 0)::bigint)
    FROM pg_class AS t
    JOIN @extschema@._user_schemas() AS n ON t.relnamespace = n.oid
    WHERE
        t.relkind IN ('r', 'p') AND NOT t.relispartition
        AND NOT EXISTS (SELECT FROM pg_constraint AS k WHERE k.conrelid = t.oid AND k.contype = 'p')
        AND NOT EXISTS (SELECT FROM pg_depend AS d
            WHERE d.classid = 'pg_class'::regclass AND d.objid = t.oid AND d.deptype = 'e'
        );
END
$$;

COMMENT ON FUNCTION @extschema@._health_table_without_primary_key() IS
'wedopt: check_health() lint: tables without a primary key';

GRANT EXECUTE ON FUNCTION @extschema@._health_table_without_primary_key() TO wedopt_monitor;
