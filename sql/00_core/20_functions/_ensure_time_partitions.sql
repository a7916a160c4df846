CREATE OR REPLACE FUNCTION @extschema@._ensure_time_partitions(
    p_parent regclass,
    p_step interval,
    p_premake integer DEFAULT 3,
    p_retention interval DEFAULT NULL
)
RETURNS TABLE (action text, partition_name text)
LANGUAGE sql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    -- wedopt's own history tables: the core mechanism, retention by dropping.
    SELECT m.action, m.partition_name
    FROM @extschema@._maintain_time_partitions(p_parent, p_step, p_premake, p_retention) AS m
    WHERE m.action IN ('created', 'dropped', 'detached')
$$;

COMMENT ON FUNCTION @extschema@._ensure_time_partitions(regclass, interval, integer, interval) IS
'wedopt (internal): keep a range-partitioned history table ready through _maintain_time_partitions(): '
'a default partition, the current and p_premake next partitions of p_step, partitions that ended '
'before p_retention dropped; returns what it created or dropped';
