CREATE OR REPLACE FUNCTION @extschema@.get_replication_status()
RETURNS TABLE (
    role text,
    peer text,
    state text,
    sync_state text,
    sent_lsn pg_lsn,
    replay_lsn pg_lsn,
    lag_bytes numeric,
    write_lag interval,
    flush_lag interval,
    replay_lag interval,
    replay_lag_seconds numeric
)
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    -- On a primary: one row per standby it sends to.
    SELECT
        'primary',
        coalesce(r.application_name, '') || coalesce(' ' || host(r.client_addr), ''),
        r.state,
        r.sync_state,
        r.sent_lsn,
        r.replay_lsn,
        pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn),
        r.write_lag,
        r.flush_lag,
        r.replay_lag,
        round(extract(EPOCH FROM r.replay_lag), 3)
    FROM pg_stat_replication AS r
    WHERE NOT pg_is_in_recovery()
    UNION ALL
    -- On a standby: one row about itself.
    SELECT
        'standby',
        w.sender_host,
        coalesce(w.status, 'not streaming'),
        NULL,
        pg_last_wal_receive_lsn(),
        pg_last_wal_replay_lsn(),
        pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()),
        NULL,
        NULL,
        now() - pg_last_xact_replay_timestamp(),
        round(extract(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 3)
    FROM (SELECT 1) AS one
    LEFT JOIN pg_stat_wal_receiver AS w ON TRUE
    WHERE pg_is_in_recovery();
$$;

COMMENT ON FUNCTION @extschema@.get_replication_status() IS
'wedopt: replication as this server sees it: on a primary one row per connected standby '
'(state, sync state, lag in bytes and time), on a standby one row about itself (receive/replay '
'LSN and the age of the last replayed transaction); no rows on a primary without standbys';

GRANT EXECUTE ON FUNCTION @extschema@.get_replication_status() TO wedopt_monitor;
