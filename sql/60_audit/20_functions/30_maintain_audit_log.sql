CREATE OR REPLACE FUNCTION @extschema@.maintain_audit_log(p_drop_old boolean DEFAULT TRUE)
RETURNS TABLE (action text, partition_name text)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
-- Partition bounds in one fixed zone, whatever the caller's TimeZone: months begin at 00:00 UTC.
SET timezone = 'UTC'
AS $$
DECLARE
    v_part regclass;
BEGIN
    PERFORM @extschema@._require_primary('maintain_audit_log()');
    -- The core mechanism (doc/maintain.md): real bounds in UTC, rows of a new range moved out
    -- of the default partition first (no trigger fires for the move: the guard stays intact
    -- for everyone else), retention by real bounds, one maintainer at a time.
    RETURN QUERY
    SELECT m.action, m.partition_name
    FROM @extschema@._maintain_time_partitions(
        '@extschema@.audit_log',
        @extschema@.get_setting('audit.partition_step')::interval,
        @extschema@.get_setting('audit.premake')::integer,
        CASE WHEN p_drop_old THEN @extschema@.get_setting('audit.retention')::interval END
    ) AS m
    WHERE m.action IN ('created', 'dropped');

    -- record_history() finds a row's changes through this index; it costs each audit row one
    -- more index entry, so it is a setting (see doc/audit.md: the benchmark shows both).
    IF @extschema@.get_setting('audit.record_index')::boolean THEN
        IF pg_catalog.to_regclass('@extschema@.audit_log_record_idx') IS NULL THEN
            CREATE INDEX audit_log_record_idx ON @extschema@.audit_log USING hash (record_id);
            action := 'created';
            partition_name := '@extschema@.audit_log_record_idx';
            RETURN NEXT;
        END IF;
    ELSIF pg_catalog.to_regclass('@extschema@.audit_log_record_idx') IS NOT NULL THEN
        DROP INDEX @extschema@.audit_log_record_idx;
        action := 'dropped';
        partition_name := '@extschema@.audit_log_record_idx';
        RETURN NEXT;
    END IF;

    -- The TRUNCATE guard is a statement trigger: not inherited, so put it on each partition.
    FOR v_part IN
        SELECT i.inhrelid::regclass
        FROM pg_catalog.pg_inherits AS i
        WHERE
            i.inhparent OPERATOR(pg_catalog.=) '@extschema@.audit_log'::regclass
            AND NOT EXISTS (
                SELECT FROM pg_catalog.pg_trigger AS t
                WHERE
                    t.tgrelid OPERATOR(pg_catalog.=) i.inhrelid
                    AND t.tgname OPERATOR(pg_catalog.=) 'audit_log_guard_truncate'
            )
    LOOP
        EXECUTE pg_catalog.format(
            'CREATE TRIGGER audit_log_guard_truncate BEFORE TRUNCATE ON %s '
            'FOR EACH STATEMENT EXECUTE FUNCTION @extschema@._audit_log_guard()', v_part
        );
    END LOOP;
END
$$;

COMMENT ON FUNCTION @extschema@.maintain_audit_log(boolean) IS
'wedopt: keep wedopt.audit_log partitioned ahead (settings audit.partition_step, audit.premake) '
'and, unless p_drop_old is false, drop the partitions older than the setting audit.retention; '
'creates or drops the record-id index after the setting audit.record_index; '
'returns what it created or dropped (run it from the maintenance schedule)';

GRANT EXECUTE ON FUNCTION @extschema@.maintain_audit_log(boolean) TO wedopt_admin;
