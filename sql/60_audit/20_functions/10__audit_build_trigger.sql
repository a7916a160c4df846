-- Each audited table gets its own trigger function, generated here from the catalog: static
-- SQL that names the table's columns, so that PL/pgSQL caches its plans, the primary key
-- is read as typed columns (no whole-row jsonb for an INSERT), old and new rows meet on a
-- typed join, and an UPDATE turns into jsonb only the columns it changed. One INSERT ...
-- SELECT per statement writes all its audit rows, from the transition tables.
CREATE OR REPLACE FUNCTION @extschema@._audit_build_trigger(
    p_target regclass,
    p_pk text[],
    p_excluded text[],
    p_log_statement boolean,
    p_app_user_setting text
)
RETURNS regprocedure
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_name text := '_audit_trg_' || p_target::oid::text;
    v_schema text;
    v_table text;
    v_col record;
    v_cmp text;
    v_old_delta text[] := '{}';
    v_new_delta text[] := '{}';
    v_minus text := '';
    v_key_o text;
    v_key_n text;
    v_full_o text;
    v_full_n text;
    v_join text;
    v_head text;
    v_values text;
    v_update text;
    v_truncate text;
    v_body text;
BEGIN
    SELECT n.nspname, c.relname INTO v_schema, v_table
    FROM pg_catalog.pg_class AS c
    JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
    WHERE c.oid OPERATOR(pg_catalog.=) p_target;

    IF pg_catalog.cardinality(p_excluded) > 0 THEN
        v_minus := pg_catalog.format(' OPERATOR(pg_catalog.-) %L::text[]', p_excluded);
    END IF;
    v_full_o := 'pg_catalog.to_jsonb(o)' || v_minus;
    v_full_n := 'pg_catalog.to_jsonb(n)' || v_minus;
    IF p_pk IS NULL THEN
        v_key_o := v_full_o;
        v_key_n := v_full_n;
    ELSE
        SELECT
            pg_catalog.format('pg_catalog.jsonb_build_object(%s)',
                pg_catalog.string_agg(pg_catalog.format('%L, o.%I', k, k), ', ' ORDER BY ord)),
            pg_catalog.format('pg_catalog.jsonb_build_object(%s)',
                pg_catalog.string_agg(pg_catalog.format('%L, n.%I', k, k), ', ' ORDER BY ord)),
            pg_catalog.string_agg(pg_catalog.format('o.%1$I OPERATOR(pg_catalog.=) n.%1$I', k), ' AND ')
        INTO v_key_o, v_key_n, v_join
        FROM pg_catalog.unnest(p_pk) WITH ORDINALITY AS u (k, ord);
    END IF;

    -- Per column: "changed?" with the type's own equality, or its text form for the few
    -- types that have none (json, point ...); only changed columns become jsonb.
    FOR v_col IN
        SELECT a.attname::text AS name, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type
        FROM pg_catalog.pg_attribute AS a
        WHERE
            a.attrelid OPERATOR(pg_catalog.=) p_target AND a.attnum > 0 AND NOT a.attisdropped
            AND NOT a.attname OPERATOR(pg_catalog.=) ANY (p_excluded)
        ORDER BY a.attnum
    LOOP
        BEGIN
            EXECUTE pg_catalog.format('SELECT NULL::%1$s IS DISTINCT FROM NULL::%1$s', v_col.type);
            v_cmp := pg_catalog.format('o.%1$I IS DISTINCT FROM n.%1$I', v_col.name);
        EXCEPTION WHEN undefined_function THEN
            v_cmp := pg_catalog.format('o.%1$I::text IS DISTINCT FROM n.%1$I::text', v_col.name);
        END;
        v_old_delta := v_old_delta || pg_catalog.format(
            'CASE WHEN %s THEN pg_catalog.jsonb_build_object(%L, o.%I) ELSE ''{}''::jsonb END',
            v_cmp, v_col.name, v_col.name);
        v_new_delta := v_new_delta || pg_catalog.format(
            'CASE WHEN %s THEN pg_catalog.jsonb_build_object(%L, n.%I) ELSE ''{}''::jsonb END',
            v_cmp, v_col.name, v_col.name);
    END LOOP;

    v_head := 'INSERT INTO @extschema@.audit_log ('
        || 'relid, table_schema, table_name, operation, record_id, old_values, new_values, '
        || 'changed_by, session_user_name, application_name, client_addr, transaction_id, '
        || 'app_user_id, statement) ';
    v_values := 'v_relid, v_schema, v_table, ';

    IF p_pk IS NOT NULL THEN
        -- Old and new versions meet on the primary key. A row whose key changed finds no
        -- partner: its old version is logged whole under the old key, its new one whole
        -- under the new key.
        v_update := v_head || 'SELECT ' || v_values || pg_catalog.format(
            '''UPDATE'', CASE WHEN o.%1$I IS NULL THEN %2$s ELSE %3$s END, '
            'CASE WHEN n.%1$I IS NULL THEN %4$s WHEN o.%1$I IS NOT NULL THEN %6$s END, '
            'CASE WHEN o.%1$I IS NULL THEN %5$s WHEN n.%1$I IS NOT NULL THEN %7$s END, '
            'v_user, session_user, v_app, v_addr, v_xid, v_app_user, v_statement '
            'FROM wedopt_old AS o FULL JOIN wedopt_new AS n ON %8$s',
            p_pk[1], v_key_n, v_key_o, v_full_o, v_full_n,
            CASE WHEN v_old_delta = '{}' THEN '''{}''::jsonb' ELSE pg_catalog.array_to_string(v_old_delta, ' || ') END,
            CASE WHEN v_new_delta = '{}' THEN '''{}''::jsonb' ELSE pg_catalog.array_to_string(v_new_delta, ' || ') END,
            v_join);
    ELSE
        -- No primary key: the transition tables hold the old and the new version of each row
        -- in the same order, so the n-th old row pairs with the n-th new row.
        v_update := v_head || 'SELECT ' || v_values || pg_catalog.format(
            '''UPDATE'', %s, %s, %s, '
            'v_user, session_user, v_app, v_addr, v_xid, v_app_user, v_statement '
            'FROM (SELECT t, pg_catalog.row_number() OVER () AS pos FROM wedopt_old AS t) AS oo '
            'JOIN (SELECT t, pg_catalog.row_number() OVER () AS pos FROM wedopt_new AS t) AS nn '
            'ON oo.pos OPERATOR(pg_catalog.=) nn.pos, '
            'LATERAL (SELECT (oo.t).*) AS o, LATERAL (SELECT (nn.t).*) AS n',
            v_key_o,
            CASE WHEN v_old_delta = '{}' THEN '''{}''::jsonb' ELSE pg_catalog.array_to_string(v_old_delta, ' || ') END,
            CASE WHEN v_new_delta = '{}' THEN '''{}''::jsonb' ELSE pg_catalog.array_to_string(v_new_delta, ' || ') END);
    END IF;

    -- TRUNCATE fires BEFORE, on the parent and on each partition: each logs its own rows
    -- (FROM ONLY), like DELETE would, so that no row leaves without a trace.
    v_truncate := pg_catalog.replace(
        v_head || 'SELECT $8, $9, $10, ''TRUNCATE'', ' || v_key_o || ', ' || v_full_o || ', NULL, ',
        '%', '%%'
    ) || '$1, $2, $3, $4, $5, $6, $7 FROM ONLY %s AS o';

    v_body := pg_catalog.format($f$
CREATE OR REPLACE FUNCTION @extschema@.%1$I()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
-- Transition tables have no statistics: a bulk statement's estimate would trigger JIT,
-- whose compilation costs more than the whole audit insert.
SET jit = off
AS $wedopt_audit$
DECLARE
    -- The audited table: this one, or (a trigger on a partition) the table enable_audit()
    -- was given. Looked up, not only baked in, so that a restored table (new oid) and a
    -- renamed one are still logged under their current oid and name.
    v_relid oid := CASE
        WHEN TG_RELID OPERATOR(pg_catalog.=) %8$s::oid THEN TG_RELID
        ELSE coalesce(pg_catalog.pg_partition_root(TG_RELID)::oid, TG_RELID)
    END;
    v_schema text := CASE WHEN v_relid OPERATOR(pg_catalog.=) TG_RELID THEN TG_TABLE_SCHEMA ELSE %9$L END;
    v_table text := CASE WHEN v_relid OPERATOR(pg_catalog.=) TG_RELID THEN TG_TABLE_NAME ELSE %10$L END;
    v_role text := pg_catalog.current_setting('role');
    -- Inside SECURITY DEFINER current_user is the owner: the role in force is SET ROLE's.
    v_user text := CASE WHEN v_role OPERATOR(pg_catalog.=) 'none' THEN session_user::text ELSE v_role END;
    v_app text := pg_catalog.current_setting('application_name');
    v_addr inet := pg_catalog.inet_client_addr();
    v_xid bigint := pg_catalog.txid_current();
    v_app_user text := nullif(pg_catalog.current_setting(%2$L, TRUE), '');
    v_statement text := %3$s;
BEGIN
    IF TG_OP OPERATOR(pg_catalog.=) 'INSERT' THEN
        %4$s;
    ELSIF TG_OP OPERATOR(pg_catalog.=) 'UPDATE' THEN
        %5$s;
    ELSIF TG_OP OPERATOR(pg_catalog.=) 'DELETE' THEN
        %6$s;
    ELSE
        EXECUTE pg_catalog.format(%7$L, TG_RELID::regclass)
        USING v_user, session_user::text, v_app, v_addr, v_xid, v_app_user, v_statement,
            v_relid, v_schema, v_table;
    END IF;
    RETURN NULL;
END
$wedopt_audit$
$f$,
        v_name,
        p_app_user_setting,
        CASE WHEN p_log_statement THEN 'pg_catalog.current_query()' ELSE 'NULL' END,
        v_head || 'SELECT ' || v_values || '''INSERT'', ' || v_key_n || ', NULL, NULL, '
            || 'v_user, session_user, v_app, v_addr, v_xid, v_app_user, v_statement FROM wedopt_new AS n',
        v_update,
        v_head || 'SELECT ' || v_values || '''DELETE'', ' || v_key_o || ', ' || v_full_o || ', NULL, '
            || 'v_user, session_user, v_app, v_addr, v_xid, v_app_user, v_statement FROM wedopt_old AS o',
        v_truncate,
        p_target::oid,
        v_schema,
        v_table
    );
    EXECUTE v_body;
    EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION @extschema@.%I() FROM PUBLIC', v_name);
    -- CREATE TRIGGER needs EXECUTE on it; enable_audit() runs as the admin who called it.
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION @extschema@.%I() TO wedopt_admin', v_name);
    EXECUTE pg_catalog.format(
        'COMMENT ON FUNCTION @extschema@.%I() IS %L', v_name,
        pg_catalog.format('wedopt (generated by enable_audit): audit trigger of %s', p_target)
    );
    RETURN pg_catalog.format('@extschema@.%I()', v_name)::regprocedure;
END
$$;

COMMENT ON FUNCTION @extschema@._audit_build_trigger(regclass, text[], text[], boolean, text) IS
'wedopt (internal): generate the statement-level audit trigger function of one table, with '
'static SQL for its columns, primary key and excluded columns; used by wedopt.enable_audit()';

GRANT EXECUTE ON FUNCTION @extschema@._audit_build_trigger(regclass, text[], text[], boolean, text)
TO wedopt_admin;
