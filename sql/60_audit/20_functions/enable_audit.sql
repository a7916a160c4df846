CREATE OR REPLACE FUNCTION @extschema@.enable_audit(
    target regclass,
    columns_excluded text[] DEFAULT '{}',
    log_statement boolean DEFAULT FALSE
)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    p_target regclass := enable_audit.target;
    p_columns_excluded text[] := enable_audit.columns_excluded;
    p_log_statement boolean := enable_audit.log_statement;
    v_schema text;
    v_table text;
    v_kind "char";
    v_persistence "char";
    v_pk text[];
    v_bad text[];
    v_count integer := 0;
    v_excluded text[] := coalesce(p_columns_excluded, '{}');
BEGIN
    PERFORM @extschema@._require_primary('enable_audit()');
    SELECT n.nspname, c.relname, c.relkind, c.relpersistence
    INTO v_schema, v_table, v_kind, v_persistence
    FROM pg_catalog.pg_class AS c
    JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
    WHERE c.oid OPERATOR(pg_catalog.=) p_target;
    IF v_kind IS NULL OR v_kind NOT IN ('r', 'p') THEN
        RAISE EXCEPTION 'wedopt: % is not a table', p_target
            USING ERRCODE = 'wrong_object_type',
                  HINT = 'Audit works on ordinary and partitioned tables (not views, foreign tables).';
    END IF;
    IF v_schema OPERATOR(pg_catalog.=) '@extschema@' OR v_persistence OPERATOR(pg_catalog.=) 't' THEN
        RAISE EXCEPTION 'wedopt: % cannot be audited', p_target
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'wedopt''s own tables and temporary tables are not audited; '
                         'wedopt''s actions are logged in wedopt.audit_log already.';
    END IF;

    IF NOT pg_catalog.has_table_privilege(p_target, 'TRIGGER') THEN
        RAISE EXCEPTION 'wedopt: % may not create triggers on %', current_user, p_target
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Auditing puts triggers on the table: its owner (or a role with the TRIGGER '
                         'privilege on it) must call enable_audit().';
    END IF;

    v_pk := @extschema@._audit_key_columns(p_target);

    SELECT pg_catalog.array_agg(x.col) INTO v_bad
    FROM pg_catalog.unnest(v_excluded) AS x (col)
    WHERE NOT EXISTS (
        SELECT FROM pg_catalog.pg_attribute AS a
        WHERE
            a.attrelid OPERATOR(pg_catalog.=) p_target AND a.attnum > 0 AND NOT a.attisdropped
            AND a.attname OPERATOR(pg_catalog.=) x.col
    );
    IF v_bad IS NOT NULL THEN
        RAISE EXCEPTION 'wedopt: % has no column %', p_target, pg_catalog.array_to_string(v_bad, ', ')
            USING ERRCODE = 'undefined_column',
                  HINT = 'columns_excluded takes column names exactly as they are spelt (case counts).';
    END IF;
    IF v_excluded OPERATOR(pg_catalog.&&) v_pk THEN
        RAISE EXCEPTION 'wedopt: primary-key columns of % cannot be excluded', p_target
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = pg_catalog.format('The record id is built from the primary key (%s).',
                                           pg_catalog.array_to_string(v_pk, ', '));
    END IF;
    IF v_pk IS NULL THEN
        RAISE WARNING 'wedopt: % has no primary key; its record id is the whole row', p_target
            USING HINT = 'Add a primary key so that record_history() can follow a row through updates.';
    END IF;

    -- Audit rows need a partition for now.
    PERFORM @extschema@.maintain_audit_log(FALSE);

    INSERT INTO @extschema@.audit_config AS c (
        target, pk_columns, columns_excluded, log_statement, keyless_seen, history_after
    )
    VALUES (
        p_target, v_pk, v_excluded, coalesce(p_log_statement, FALSE), v_pk IS NULL,
        -- a table of this name dropped before: its history is not this one's
        coalesce((
            SELECT pg_catalog.max(a.id) FROM @extschema@.audit_log AS a
            WHERE
                a.operation OPERATOR(pg_catalog.=) 'ACTION'
                AND a.record_id OPERATOR(pg_catalog.@>) pg_catalog.jsonb_build_object(
                    'action', 'drop_table', 'target', pg_catalog.format('%I.%I', v_schema, v_table)
                )
        ), 0)
    )
    ON CONFLICT (target) DO UPDATE SET
        keyless_seen = c.keyless_seen OR excluded.keyless_seen,
        pk_columns = excluded.pk_columns,
        columns_excluded = excluded.columns_excluded,
        log_statement = excluded.log_statement,
        enabled = TRUE,
        enabled_at = pg_catalog.now(),
        enabled_by = current_user;

    -- One C function for INSERT, UPDATE, DELETE and TRUNCATE, told the options in its
    -- arguments: no code is generated for the table.
    v_count := @extschema@._audit_create_triggers(p_target);
    RAISE NOTICE 'wedopt: auditing % (% table(s) with triggers, record id from %)',
        p_target, v_count, coalesce(pg_catalog.array_to_string(v_pk, ', '), 'the whole row');
END
$$;

COMMENT ON FUNCTION @extschema@.enable_audit(regclass, text[], boolean) IS
'wedopt: audit INSERT, UPDATE, DELETE and TRUNCATE of a table (and of its partitions) into '
'wedopt.audit_log, never storing p_columns_excluded, with the statement text if p_log_statement; '
'calling it again updates the options';

GRANT EXECUTE ON FUNCTION @extschema@.enable_audit(regclass, text[], boolean) TO wedopt_admin;
