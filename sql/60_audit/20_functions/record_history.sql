CREATE OR REPLACE FUNCTION @extschema@.record_history(target regclass, pk jsonb)
RETURNS TABLE (
    version integer,
    audit_id bigint,
    changed_at timestamptz,
    operation text,
    transaction_id bigint,
    changed_by text,
    app_user_id text,
    row_data jsonb,
    old_values jsonb,
    new_values jsonb
)
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
-- The settings the audit trigger pins while it writes record ids and values (see
-- src/audit_trigger.c): the record id built here must be the one it wrote.
SET timezone = 'UTC'
SET datestyle = 'ISO, MDY'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
SET bytea_output = 'hex'
AS $$
#variable_conflict use_column
DECLARE
    p_target regclass := record_history.target;
    p_pk jsonb := record_history.pk;
    v_config @extschema@.audit_config;
    v_key text[];
    v_key_asked text[];
    v_excluded text[];
    v_given jsonb := '{}';
    v_rid jsonb;
    v_rid_old jsonb;
    v_state jsonb;
    v_where text;
    v_rows @extschema@.audit_trail[];
    v_data jsonb[] := '{}';
    v_row @extschema@.audit_trail;
    v_n integer;
    v_nsp text;
    v_rel text;
BEGIN
    SELECT n.nspname, c.relname INTO v_nsp, v_rel
    FROM pg_catalog.pg_class AS c
    JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
    WHERE c.oid OPERATOR(pg_catalog.=) p_target;
    SELECT c.* INTO v_config FROM @extschema@.audit_config AS c
    WHERE c.target OPERATOR(pg_catalog.=) p_target;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'wedopt: % is not audited', p_target
            USING ERRCODE = 'undefined_object',
                  HINT = 'SELECT wedopt.enable_audit(''<table>'') starts auditing it.';
    END IF;
    -- The key as the table has it now (a key added, dropped or renamed since enable_audit()
    -- counts), the excluded columns by their names now (the trigger knows them by attnum).
    v_key := @extschema@._audit_key_columns(p_target);
    v_excluded := @extschema@._audit_excluded_columns(p_target);
    IF p_pk IS NULL OR pg_catalog.jsonb_typeof(p_pk) OPERATOR(pg_catalog.<>) 'object' THEN
        RAISE EXCEPTION 'wedopt: the record id must be a jsonb object'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = pg_catalog.format('Pass the primary key, e.g. %L.',
                      pg_catalog.jsonb_build_object(coalesce(v_key[1], 'id'), 42));
    END IF;

    IF v_key IS NOT NULL THEN
        -- The key by its names now, or by the names it had at enable_audit() (a renamed key
        -- column): the i-th column of one is the i-th of the other.
        v_key_asked := CASE
            WHEN NOT EXISTS (SELECT FROM pg_catalog.unnest(v_key) AS k WHERE NOT p_pk ? k) THEN v_key
            WHEN
                pg_catalog.cardinality(v_config.pk_columns) OPERATOR(pg_catalog.=) pg_catalog.cardinality(v_key)
                AND NOT EXISTS (SELECT FROM pg_catalog.unnest(v_config.pk_columns) AS k WHERE NOT p_pk ? k)
                THEN v_config.pk_columns
        END;
        IF v_key_asked IS NULL THEN
            RAISE EXCEPTION 'wedopt: the record id of % needs the key columns %', p_target,
                pg_catalog.array_to_string(v_key, ', ')
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Pass the primary key as a jsonb object, e.g. {"id": 42}.';
        END IF;
        SELECT pg_catalog.jsonb_object_agg(k.now, p_pk -> k.asked) INTO v_given
        FROM ROWS FROM (pg_catalog.unnest(v_key), pg_catalog.unnest(v_key_asked)) AS k (now, asked);
        -- Through the table's row type, so that '{"id": "42"}' finds the row logged as 42.
        EXECUTE pg_catalog.format(
            'SELECT pg_catalog.to_jsonb(wedopt_key.*) '
            'FROM pg_catalog.jsonb_populate_record(NULL::%s, $1) AS wedopt_key', p_target
        ) INTO v_rid USING v_given;
        SELECT pg_catalog.jsonb_object_agg(k, v_rid -> k) INTO v_rid FROM pg_catalog.unnest(v_key) AS k;
        -- Rows logged before a key column was renamed carry its old name.
        IF v_config.pk_columns IS DISTINCT FROM v_key
            AND pg_catalog.cardinality(v_config.pk_columns) OPERATOR(pg_catalog.=) pg_catalog.cardinality(v_key) THEN
            SELECT pg_catalog.jsonb_object_agg(k.old, v_rid -> k.now) INTO v_rid_old
            FROM ROWS FROM (pg_catalog.unnest(v_key), pg_catalog.unnest(v_config.pk_columns)) AS k (now, old);
        END IF;
        SELECT pg_catalog.string_agg(pg_catalog.format('wedopt_live.%1$I = wedopt_key.%1$I', k), ' AND ')
        INTO v_where FROM pg_catalog.unnest(v_key) AS k;
        EXECUTE pg_catalog.format(
            'SELECT pg_catalog.to_jsonb(wedopt_live.*) FROM %s AS wedopt_live, '
            'pg_catalog.jsonb_populate_record(NULL::%s, $1) AS wedopt_key WHERE %s',
            p_target, p_target, v_where
        ) INTO v_state USING v_rid;
        v_state := v_state - v_excluded;
    ELSE
        -- No primary key: the record id is the whole row, as it was logged.
        v_rid := p_pk;
    END IF;

    -- A row's changes: under its key (or, logged while the table had no key, under a whole
    -- row that holds the key's values), of this table, or of a table restored as this one.
    -- (wedopt.audit_trail: each wedopt.audit_log row with its wedopt.audit_statement row)
    SELECT pg_catalog.array_agg(a ORDER BY a.id) INTO v_rows
    FROM @extschema@.audit_trail AS a
    WHERE
        a.operation OPERATOR(pg_catalog.<>) 'ACTION'
        AND (
            a.relid OPERATOR(pg_catalog.=) p_target::oid
            -- rows logged before a dump and restore carry the table's old oid
            OR (
                a.table_schema OPERATOR(pg_catalog.=) v_nsp AND a.table_name OPERATOR(pg_catalog.=) v_rel
                AND a.id > v_config.history_after
                AND NOT EXISTS (SELECT FROM pg_catalog.pg_class AS c WHERE c.oid OPERATOR(pg_catalog.=) a.relid)
            )
        )
        AND (
            a.record_id OPERATOR(pg_catalog.=) v_rid
            OR a.record_id OPERATOR(pg_catalog.=) v_rid_old
            OR (
                -- only if it ever had no key: the hash index (audit.record_index) serves = only
                v_config.keyless_seen AND v_key IS NOT NULL AND a.record_id OPERATOR(pg_catalog.@>) v_rid
                AND NOT EXISTS (
                    SELECT FROM pg_catalog.unnest(v_key) AS k
                    WHERE (a.record_id -> k) OPERATOR(pg_catalog.<>) (v_rid -> k)
                )
            )
        );
    v_n := coalesce(pg_catalog.cardinality(v_rows), 0);

    -- INSERT keeps only the record id: walk back from the live row (or the deleted row),
    -- undoing each UPDATE with its old values, to rebuild every version.
    FOR i IN REVERSE v_n..1 LOOP
        v_row := v_rows[i];
        IF v_key IS NULL THEN
            v_data[i] := CASE v_row.operation
                WHEN 'INSERT' THEN v_row.record_id
                WHEN 'UPDATE' THEN v_row.record_id || v_row.new_values
                ELSE v_row.old_values
            END;
            CONTINUE;
        END IF;
        CASE v_row.operation
            WHEN 'DELETE', 'TRUNCATE' THEN
                v_data[i] := v_row.old_values;
                v_state := v_row.old_values;
            WHEN 'UPDATE' THEN
                IF v_row.old_values IS NULL THEN
                    -- the row's key changed to this one: new_values holds the whole row
                    v_data[i] := v_row.new_values;
                    v_state := NULL;
                ELSIF v_row.new_values IS NULL THEN
                    -- the row's key changed away from this one
                    v_data[i] := NULL;
                    v_state := v_row.old_values;
                ELSE
                    v_data[i] := coalesce(v_state, v_row.new_values);
                    v_state := v_state || v_row.old_values;
                END IF;
            WHEN 'INSERT' THEN
                v_data[i] := v_state;
                v_state := NULL;
            ELSE
                v_data[i] := NULL;
        END CASE;
    END LOOP;

    RETURN QUERY
    SELECT
        i, (v_rows[i]).id, (v_rows[i]).changed_at, (v_rows[i]).operation, (v_rows[i]).transaction_id,
        (v_rows[i]).changed_by, (v_rows[i]).app_user_id, v_data[i], (v_rows[i]).old_values,
        (v_rows[i]).new_values
    FROM pg_catalog.generate_series(1, v_n) AS i
    ORDER BY i;
END
$$;

COMMENT ON FUNCTION @extschema@.record_history(regclass, jsonb) IS
'wedopt: the versions of one row of an audited table, oldest first: each change with who, when, '
'its transaction and the row as it was after it (row_data, rebuilt from the live row and the '
'logged changes; for a DELETE the row as it was deleted); pk is the primary key as jsonb';

GRANT EXECUTE ON FUNCTION @extschema@.record_history(regclass, jsonb) TO wedopt_admin;
