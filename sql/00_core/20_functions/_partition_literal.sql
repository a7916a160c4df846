CREATE OR REPLACE FUNCTION @extschema@._partition_literal(p_at timestamptz, p_type regtype)
RETURNS text
LANGUAGE sql
IMMUTABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    -- A partition bound as the key's type reads it, in UTC (no zone left for the server to apply).
    SELECT CASE p_type
        WHEN 'date'::regtype THEN pg_catalog.to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')
        WHEN 'timestamp'::regtype THEN pg_catalog.to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')
        ELSE pg_catalog.to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') OPERATOR(pg_catalog.||) '+00'
    END
$$;

COMMENT ON FUNCTION @extschema@._partition_literal(timestamptz, regtype) IS
'wedopt (internal): a time partition bound written for a date, timestamp or timestamptz key, in UTC';

GRANT EXECUTE ON FUNCTION @extschema@._partition_literal(timestamptz, regtype) TO wedopt_monitor;
