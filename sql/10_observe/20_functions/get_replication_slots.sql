CREATE OR REPLACE FUNCTION @extschema@.get_replication_slots()
RETURNS TABLE (
    slot_name text,
    slot_type text,
    plugin text,
    database text,
    active boolean,
    active_pid integer,
    restart_lsn pg_lsn,
    confirmed_flush_lsn pg_lsn,
    retained_wal_bytes numeric,
    wal_status text,
    safe_wal_size bigint
)
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT
        s.slot_name::text,
        s.slot_type,
        s.plugin::text,
        s.database::text,
        s.active,
        s.active_pid,
        s.restart_lsn,
        s.confirmed_flush_lsn,
        pg_wal_lsn_diff(
            CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END,
            s.restart_lsn
        ),
        s.wal_status,
        s.safe_wal_size
    FROM pg_replication_slots AS s
    ORDER BY 9 DESC NULLS LAST, 1;
$$;

COMMENT ON FUNCTION @extschema@.get_replication_slots() IS
'wedopt: replication slots with the WAL each one holds back (retained_wal_bytes); an inactive '
'slot keeps WAL forever and can fill the disk';

GRANT EXECUTE ON FUNCTION @extschema@.get_replication_slots() TO wedopt_monitor;
