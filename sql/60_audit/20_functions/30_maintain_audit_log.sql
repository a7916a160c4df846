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
    v_step interval := @extschema@.get_setting('audit.partition_step')::interval;
    v_premake integer := @extschema@.get_setting('audit.premake')::integer;
    v_retention interval := @extschema@.get_setting('audit.retention')::interval;
    v_unit text;
    v_default regclass;
    v_from timestamptz;
    v_to timestamptz;
    v_name text;
    v_suffix integer;
    v_moved bigint;
    v_bound record;
    v_parent regclass;
    v_base text;
    v_index regclass;
    v_record_index boolean;
BEGIN
    PERFORM @extschema@._require_primary('maintain_audit_log()');
    -- One maintainer at a time (two enable_audit() calls at once would both create the
    -- default partition): the second waits, then sees what the first made.
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('wedopt.maintain_audit_log'));
    v_unit := CASE
        WHEN v_step OPERATOR(pg_catalog.=) INTERVAL '1 day' THEN 'day'
        WHEN v_step OPERATOR(pg_catalog.=) INTERVAL '1 week' THEN 'week'
        WHEN v_step OPERATOR(pg_catalog.=) INTERVAL '1 month' THEN 'month'
        WHEN v_step OPERATOR(pg_catalog.=) INTERVAL '3 months' THEN 'quarter'
        WHEN v_step OPERATOR(pg_catalog.=) INTERVAL '1 year' THEN 'year'
    END;
    IF v_unit IS NULL OR v_premake < 0 THEN
        RAISE EXCEPTION 'wedopt: partition step % / premake % not supported', v_step, v_premake
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use a step of 1 day, 1 week, 1 month, 3 months or 1 year and premake >= 0.';
    END IF;

    -- wedopt.audit_statement is partitioned like wedopt.audit_log, bound for bound: a change
    -- and its statement row share changed_at, so they land in partitions of the same range
    -- and retention drops them together. The statement table first, as the audit trigger
    -- and _audit_action() lock them.
    FOREACH v_parent IN ARRAY ARRAY['@extschema@.audit_statement', '@extschema@.audit_log']::regclass[] LOOP
        v_base := (SELECT c.relname FROM pg_catalog.pg_class AS c WHERE c.oid OPERATOR(pg_catalog.=) v_parent);
        v_default := NULL;
        -- The partitions as they are: their real bounds, not their names (a detached table may
        -- still bear a partition's name, a partition may bear any).
        -- A default partition, so that a row outside every range is kept, never refused.
        SELECT b.rel INTO v_default FROM @extschema@._audit_log_bounds(v_parent) AS b WHERE b.is_default;
        IF v_default IS NULL THEN
            v_name := @extschema@._audit_free_name(v_base OPERATOR(pg_catalog.||) '_default');
            EXECUTE pg_catalog.format('CREATE TABLE @extschema@.%I PARTITION OF %s DEFAULT', v_name, v_parent);
            v_default := pg_catalog.format('@extschema@.%I', v_name)::regclass;
            action := 'created';
            partition_name := pg_catalog.format('@extschema@.%I', v_name);
            RETURN NEXT;
        END IF;

        FOR i IN 0..v_premake LOOP
            v_from := pg_catalog.date_trunc(v_unit, pg_catalog.now()) + (v_step * i);
            v_to := v_from + v_step;
            CONTINUE WHEN EXISTS (
                SELECT FROM @extschema@._audit_log_bounds(v_parent) AS b
                WHERE b.lo < v_to AND b.hi > v_from
            );
            v_name := @extschema@._audit_free_name(
                v_base OPERATOR(pg_catalog.||) '_p' OPERATOR(pg_catalog.||) pg_catalog.to_char(v_from, 'YYYYMMDD')
            );
            -- Rows of this range already in the default partition (maintenance did not run in
            -- time) move into the new partition: attaching it next to them would be refused.
            EXECUTE pg_catalog.format(
                'SELECT count(*) FROM %s WHERE changed_at >= %L AND changed_at < %L', v_default, v_from, v_to
            ) INTO v_moved;
            IF v_moved > 0 THEN
                EXECUTE pg_catalog.format(
                    'CREATE TABLE @extschema@.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                    v_name, v_parent
                );
                -- The guard refuses every DELETE of audit rows; this move is the one exception.
                PERFORM pg_catalog.set_config('session_replication_role', 'replica', TRUE);
                EXECUTE pg_catalog.format(
                    'WITH moved AS (DELETE FROM %s WHERE changed_at >= %L AND changed_at < %L RETURNING *) '
                    'INSERT INTO @extschema@.%I SELECT * FROM moved',
                    v_default, v_from, v_to, v_name
                );
                PERFORM pg_catalog.set_config('session_replication_role', 'origin', TRUE);
                EXECUTE pg_catalog.format(
                    'ALTER TABLE %s ATTACH PARTITION @extschema@.%I FOR VALUES FROM (%L) TO (%L)',
                    v_parent, v_name, v_from, v_to
                );
                RAISE NOTICE 'wedopt: moved % audit row(s) from % into %', v_moved, v_default, v_name;
            ELSE
                EXECUTE pg_catalog.format(
                    'CREATE TABLE @extschema@.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                    v_name, v_parent, v_from, v_to
                );
            END IF;
            action := 'created';
            partition_name := pg_catalog.format('@extschema@.%I', v_name);
            RETURN NEXT;
        END LOOP;
    END LOOP;

    IF p_drop_old THEN
        FOR v_bound IN
            SELECT b.rel
            FROM
                pg_catalog.unnest(
                    ARRAY['@extschema@.audit_statement', '@extschema@.audit_log']::regclass[]
                ) WITH ORDINALITY AS p (parent, n),
                LATERAL @extschema@._audit_log_bounds(p.parent) AS b
            WHERE b.hi < pg_catalog.now() - v_retention
            ORDER BY p.n
        LOOP
            partition_name := v_bound.rel::text;
            EXECUTE pg_catalog.format('DROP TABLE %s', v_bound.rel);
            action := 'dropped';
            RETURN NEXT;
        END LOOP;
    END IF;

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
