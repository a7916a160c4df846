-- Runs the caller's SQL: SECURITY INVOKER, search_path NOT pinned (the caller's table names
-- must resolve), every reference of its own qualified (see doc/security.md).
CREATE OR REPLACE FUNCTION @extschema@.execute_explain_query(
    query text,
    with_analyze boolean DEFAULT FALSE,
    statement_timeout interval DEFAULT '30s'
)
RETURNS json
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
DECLARE
    v_check @extschema@.parsed_statement;
    v_sql text;
    v_plan json;
    v_options text;
    v_target text;
    v_prepared text;
    v_old_lock_timeout text := pg_catalog.current_setting('lock_timeout');
    v_old_plan_cache_mode text := pg_catalog.current_setting('plan_cache_mode');
    v_timeout_ms bigint;
    err_state text;
    err_message text;
    err_detail text;
    err_hint text;
BEGIN
    IF with_analyze AND NOT (
        pg_catalog.pg_has_role(CURRENT_USER, 'wedopt_admin', 'MEMBER')
        OR (SELECT r.rolsuper FROM pg_catalog.pg_roles AS r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER)
    ) THEN
        RAISE EXCEPTION 'wedopt: EXPLAIN ANALYZE runs the statement; only members of wedopt_admin may do it'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = pg_catalog.concat(
                      'Call with analyze => false (plan only), or ask for GRANT wedopt_admin TO ',
                      pg_catalog.quote_ident(CURRENT_USER::text), '.'
                  );
    END IF;
    IF statement_timeout IS NULL OR statement_timeout OPERATOR(pg_catalog.<) INTERVAL '0' THEN
        RAISE EXCEPTION 'wedopt: statement_timeout must be a non-negative interval, not %', statement_timeout
            USING ERRCODE = 'invalid_parameter_value', HINT = 'E.g. ''30s''; ''0'' means no limit.';
    END IF;

    -- What the text is, PostgreSQL's own parser decides (under this session's settings):
    -- exactly one statement, of a kind EXPLAIN plans. Nothing of the caller's text runs before.
    v_check := @extschema@._one_statement(
        query, 'Pass exactly one SELECT, INSERT, UPDATE, DELETE, MERGE, VALUES, TABLE or WITH statement.'
    );
    IF v_check.node_type OPERATOR(pg_catalog.<>) ALL (
        ARRAY['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']
    ) THEN
        RAISE EXCEPTION 'wedopt: % is a utility statement; only queries and data-modifying statements can be explained',
            v_check.command_tag
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'Pass exactly one SELECT, INSERT, UPDATE, DELETE, MERGE, VALUES, TABLE or WITH statement. '
                  'Utility statements (VACUUM, CREATE, DROP, ALTER, COPY, SET, EXPLAIN, ...) are refused.';
    END IF;

    IF v_check.param_count OPERATOR(pg_catalog.>) 0 AND with_analyze THEN
        RAISE EXCEPTION 'wedopt: the query has $n parameters; it can be planned but not executed (ANALYZE)'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Call with analyze => false for its generic plan, or put values in place of $1...';
    END IF;

    v_options := 'FORMAT JSON, VERBOSE, SETTINGS';
    IF with_analyze THEN
        v_options := pg_catalog.concat(v_options, ', ANALYZE, BUFFERS, TIMING');
    END IF;
    v_timeout_ms := (pg_catalog.date_part('epoch', statement_timeout) OPERATOR(pg_catalog.*) 1000)::bigint;

    BEGIN
        -- lock_timeout is checked at each lock wait, so it bounds the statement's waits from
        -- here; statement_timeout is armed by the server only when a top-level statement
        -- starts, so setting it here would not reach the statement already running.
        PERFORM pg_catalog.set_config('lock_timeout', v_timeout_ms::text, TRUE);
        IF v_check.param_count OPERATOR(pg_catalog.>) 0 THEN
            -- $n parameters: a generic plan of a prepared statement (PG15 has no GENERIC_PLAN).
            v_prepared := pg_catalog.concat('wedopt_explain_', pg_catalog.pg_backend_pid());
            IF EXISTS (
                SELECT FROM pg_catalog.pg_prepared_statements AS p
                WHERE p.name OPERATOR(pg_catalog.=) v_prepared
            ) THEN
                EXECUTE pg_catalog.format('DEALLOCATE %I', v_prepared);
            END IF;
            v_sql := pg_catalog.format('PREPARE %I AS %s', v_prepared, v_check.statement);
            PERFORM @extschema@._require_one_statement(v_sql, 'PrepareStmt');
            EXECUTE v_sql;
            PERFORM pg_catalog.set_config('plan_cache_mode', 'force_generic_plan', TRUE);
            v_target := pg_catalog.format(
                'EXECUTE %I(%s)', v_prepared,
                pg_catalog.array_to_string(pg_catalog.array_fill('NULL'::text, ARRAY[v_check.param_count]), ', ')
            );
        ELSE
            v_target := v_check.statement;
        END IF;
        -- Always inside a subtransaction that is rolled back: whatever the statement (or a
        -- function it calls) changes does not persist, with or without ANALYZE.
        BEGIN
            v_sql := pg_catalog.format('EXPLAIN (%s) %s', v_options, v_target);
            PERFORM @extschema@._require_one_statement(v_sql, 'ExplainStmt');
            EXECUTE v_sql INTO v_plan;
            RAISE EXCEPTION USING ERRCODE = 'WD001';
        EXCEPTION WHEN SQLSTATE 'WD001' THEN
            NULL;
        END;
        IF v_prepared IS NOT NULL THEN
            EXECUTE pg_catalog.format('DEALLOCATE %I', v_prepared);
            PERFORM pg_catalog.set_config('plan_cache_mode', v_old_plan_cache_mode, TRUE);
        END IF;
        PERFORM pg_catalog.set_config('lock_timeout', v_old_lock_timeout, TRUE);
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS
            err_state = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
            err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
        IF v_prepared IS NOT NULL AND EXISTS (
            SELECT FROM pg_catalog.pg_prepared_statements AS p WHERE p.name OPERATOR(pg_catalog.=) v_prepared
        ) THEN
            EXECUTE pg_catalog.format('DEALLOCATE %I', v_prepared);
        END IF;
        PERFORM @extschema@._raise_clean(
            err_state,
            pg_catalog.concat('wedopt: the statement could not be explained: ', err_message),
            err_detail,
            CASE
                WHEN err_hint IS NOT NULL AND err_hint OPERATOR(pg_catalog.<>) '' THEN err_hint
                WHEN err_state OPERATOR(pg_catalog.=) '55P03'
                    THEN 'It waited longer than statement_timeout for a lock; retry later or pass a longer one.'
                ELSE 'Check the statement runs on its own: names resolve on your search_path.'
            END
        );
    END;
    RETURN v_plan;
END
$$;

COMMENT ON FUNCTION @extschema@.execute_explain_query(text, boolean, interval) IS
'wedopt: Runs the caller''s SQL (EXPLAIN, or EXPLAIN ANALYZE for wedopt_admin) of exactly one '
'query or data-modifying statement, decided by PostgreSQL''s own parser, and returns the plan as json '
'(FORMAT JSON, VERBOSE, SETTINGS, with ANALYZE also BUFFERS). The statement runs in a '
'subtransaction that is always rolled back; utility statements are refused; $n parameters get '
'a generic plan; statement_timeout bounds lock waits';

GRANT EXECUTE ON FUNCTION @extschema@.execute_explain_query(text, boolean, interval) TO wedopt_monitor;
