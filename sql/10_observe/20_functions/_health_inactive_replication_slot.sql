CREATE OR REPLACE FUNCTION @extschema@._health_inactive_replication_slot()
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
        'inactive_replication_slot', 'WARN', 'MAINTENANCE',
        s.slot_name,
        format('replication slot %s is not in use and holds back %s of WAL', s.slot_name,
            pg_size_pretty(s.retained_wal_bytes)),
        format('SELECT pg_drop_replication_slot(%L);', s.slot_name),
        to_jsonb(s)
    FROM @extschema@.get_replication_slots() AS s
    WHERE NOT s.active;
END
$$;

COMMENT ON FUNCTION @extschema@._health_inactive_replication_slot() IS
'wedopt: check_health() lint: replication slots not in use, holding back WAL';

GRANT EXECUTE ON FUNCTION @extschema@._health_inactive_replication_slot() TO wedopt_monitor;
