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
    v_index regclass;
    v_record_index boolean;
BEGIN
    PERFORM @extschema@._require_primary('maintain_audit_log()');
    -- The core mechanism (doc/maintain.md): real bounds in UTC, rows of a new range moved out
    -- of the default partition first (no trigger fires for the move: the guard stays intact
    -- for everyone else), retention by real bounds, one maintainer at a time per table.
    -- wedopt.audit_statement is partitioned like wedopt.audit_log, bound for bound: a change
    -- and its statement row share changed_at, so they land in partitions of the same range
    -- and retention drops them together. The statement table first, as the audit trigger
    -- and _audit_action() lock them.
    RETURN QUERY
    SELECT m.action, m.partition_name
    FROM
        pg_catalog.unnest(
            ARRAY['@extschema@.audit_statement', '@extschema@.audit_log']::regclass[]
        ) WITH ORDINALITY AS p (parent, n),
        LATERAL @extschema@._maintain_time_partitions(
            p.parent,
            @extschema@.get_setting('audit.partition_step')::interval,
            @extschema@.get_setting('audit.premake')::integer,
            CASE WHEN p_drop_old THEN @extschema@.get_setting('audit.retention')::interval END
        ) AS m
    WHERE m.action IN ('created', 'dropped');

    -- A log row finds its statement through an index on id (wedopt.audit_trail, record_history()),
    -- one per partition: not on the parent, which is the extension's, so that pg_dump dumps the
    -- partitions' indexes as their own (an index of the parent it would not dump, nor restore).
    FOR v_part IN
        SELECT i.inhrelid::regclass
        FROM pg_catalog.pg_inherits AS i
        JOIN pg_catalog.pg_class AS c ON c.oid OPERATOR(pg_catalog.=) i.inhrelid
        WHERE
            i.inhparent OPERATOR(pg_catalog.=) '@extschema@.audit_statement'::regclass
            AND c.relkind OPERATOR(pg_catalog.=) 'r'
            AND NOT EXISTS (
                SELECT FROM pg_catalog.pg_index AS x
                JOIN pg_catalog.pg_attribute AS a
                    ON a.attrelid OPERATOR(pg_catalog.=) x.indrelid AND a.attnum OPERATOR(pg_catalog.=) x.indkey[0]
                WHERE x.indrelid OPERATOR(pg_catalog.=) i.inhrelid AND a.attname OPERATOR(pg_catalog.=) 'id'
            )
    LOOP
        EXECUTE pg_catalog.format('CREATE INDEX ON %s (id)', v_part);
        action := 'created';
        partition_name := pg_catalog.format('index on %s (id)', v_part);
        RETURN NEXT;
    END LOOP;

    -- record_history() finds a row's changes through a hash index on record_id; it costs each
    -- audit row one more index entry, so it is a setting (see doc/audit.md: the benchmark shows
    -- both). One per partition, like audit_statement's index on id: an index of the parent
    -- (the extension's table) would not come back from pg_restore.
    v_record_index := @extschema@.get_setting('audit.record_index')::boolean;
    FOR v_part, v_index IN
        SELECT i.inhrelid::regclass, x.indexrelid::regclass
        FROM pg_catalog.pg_inherits AS i
        JOIN pg_catalog.pg_class AS c ON c.oid OPERATOR(pg_catalog.=) i.inhrelid
        LEFT JOIN LATERAL (
            SELECT x.indexrelid
            FROM pg_catalog.pg_index AS x
            JOIN pg_catalog.pg_class AS ic ON ic.oid OPERATOR(pg_catalog.=) x.indexrelid
            JOIN pg_catalog.pg_am AS am ON am.oid OPERATOR(pg_catalog.=) ic.relam
            JOIN pg_catalog.pg_attribute AS a
                ON a.attrelid OPERATOR(pg_catalog.=) x.indrelid AND a.attnum OPERATOR(pg_catalog.=) x.indkey[0]
            WHERE
                x.indrelid OPERATOR(pg_catalog.=) i.inhrelid
                AND am.amname OPERATOR(pg_catalog.=) 'hash'
                AND a.attname OPERATOR(pg_catalog.=) 'record_id'
            LIMIT 1
        ) AS x ON TRUE
        WHERE
            i.inhparent OPERATOR(pg_catalog.=) '@extschema@.audit_log'::regclass
            AND c.relkind OPERATOR(pg_catalog.=) 'r'
    LOOP
        IF v_record_index AND v_index IS NULL THEN
            EXECUTE pg_catalog.format('CREATE INDEX ON %s USING hash (record_id)', v_part);
            action := 'created';
            partition_name := pg_catalog.format('index on %s (record_id)', v_part);
            RETURN NEXT;
        ELSIF NOT v_record_index AND v_index IS NOT NULL THEN
            partition_name := v_index::text;
            EXECUTE pg_catalog.format('DROP INDEX %s', v_index);
            action := 'dropped';
            RETURN NEXT;
        END IF;
    END LOOP;

    -- The TRUNCATE guard is a statement trigger: not inherited, so put it on each partition.
    FOR v_part IN
        SELECT i.inhrelid::regclass
        FROM pg_catalog.pg_inherits AS i
        WHERE
            i.inhparent IN ('@extschema@.audit_log'::regclass, '@extschema@.audit_statement'::regclass)
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
'wedopt: keep wedopt.audit_log and wedopt.audit_statement partitioned ahead, with the same bounds '
'(settings audit.partition_step, audit.premake) and, unless p_drop_old is false, drop the '
'partitions older than the setting audit.retention; '
'creates or drops the record-id index of each audit_log partition after the setting audit.record_index; '
'returns what it created or dropped (run it from the maintenance schedule)';

GRANT EXECUTE ON FUNCTION @extschema@.maintain_audit_log(boolean) TO wedopt_admin;
