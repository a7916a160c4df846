-- The execution-time cross-check (doc/act.md "Confirmed by the server"): before wedopt runs a
-- rebuilt admin statement it records here what the statement must do (command tag, target
-- object), in the session setting wedopt.act_expect; the event triggers wedopt_act_confirm_ddl
-- (ddl_command_end) and wedopt_act_confirm_drop (sql_drop) compare what the server really ran
-- and raise when it differs, which rolls the statement back. A session setting, not a
-- transaction-local one: a concurrent build runs in transactions of its own.
-- p_statement NULL: clears the expectation and returns it as it ended (seen: how many commands
-- the triggers confirmed).
CREATE OR REPLACE FUNCTION @extschema@._act_expect(
    p_statement text,
    p_search_path text DEFAULT NULL,
    p_action_id bigint DEFAULT NULL
)
RETURNS jsonb
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_old text := pg_catalog.current_setting('wedopt.act_expect', TRUE);
    v_stmt @extschema@.parsed_statement;
    v_relid oid;
    v_name text;
    v_exp jsonb;
    v_off text;
BEGIN
    IF p_statement IS NULL THEN
        PERFORM pg_catalog.set_config('wedopt.act_expect', '', FALSE);
        RETURN nullif(v_old, '')::jsonb;
    END IF;
    SELECT p.* INTO v_stmt FROM @extschema@._parse_statements(p_statement) AS p;
    IF v_stmt.node_type IS NULL THEN
        RAISE EXCEPTION 'wedopt: no statement to expect'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Pass the one statement about to run.';
    END IF;
    v_exp := pg_catalog.jsonb_build_object('tag', v_stmt.command_tag, 'kind', v_stmt.node_type,
        'statement', p_statement, 'action', p_action_id, 'seen', 0, 'dropped', 0,
        'fires', v_stmt.node_type IN ('IndexStmt', 'DropStmt', 'RefreshMatViewStmt', 'CreateStatsStmt', 'AlterTableStmt'));
    IF v_stmt.node_type OPERATOR(pg_catalog.=) 'AlterTableStmt' AND v_stmt.command_tag OPERATOR(pg_catalog.=) 'ALTER INDEX' THEN
        -- ALTER INDEX parent ATTACH PARTITION child, written schema-qualified by _admin_plan.
        v_relid := pg_catalog.to_regclass(v_stmt.relations[1]);
    ELSIF (v_exp->>'fires') OPERATOR(pg_catalog.=) 'true' THEN
        v_relid := (SELECT r.relids[1] FROM @extschema@._resolve_admin_statement(
            p_statement, coalesce(p_search_path, pg_catalog.current_setting('search_path'))) AS r);
    END IF;
    v_relid := nullif(v_relid, 0);
    CASE v_stmt.node_type
    WHEN 'IndexStmt' THEN
        SELECT pg_catalog.substr(o, 6) INTO v_name FROM pg_catalog.unnest(v_stmt.options) AS o WHERE o LIKE 'name=%';
        v_exp := v_exp || pg_catalog.jsonb_build_object('object_type', 'index', 'table_oid', v_relid, 'name', v_name);
    WHEN 'CreateStatsStmt' THEN
        v_exp := v_exp || pg_catalog.jsonb_build_object('object_type', 'statistics object', 'table_oid', v_relid);
    WHEN 'RefreshMatViewStmt' THEN
        -- REFRESH ... CONCURRENTLY runs its own CREATE TEMP TABLE / ALTER TABLE / DROP TABLE of diff tables.
        v_exp := v_exp || pg_catalog.jsonb_build_object('object_type', 'materialized view', 'objid', v_relid,
            'temp_ok', coalesce(v_stmt.concurrent, FALSE));
    WHEN 'AlterTableStmt' THEN
        v_exp := v_exp || pg_catalog.jsonb_build_object(
            'object_type', CASE WHEN v_stmt.command_tag OPERATOR(pg_catalog.=) 'ALTER INDEX' THEN 'index' ELSE 'table' END,
            'objid', v_relid);
    WHEN 'DropStmt' THEN
        -- The index and, for a partitioned one, the partitions' indexes dropped with it.
        v_exp := v_exp || pg_catalog.jsonb_build_object('objid', v_relid, 'drops', pg_catalog.to_jsonb(
            CASE WHEN v_relid IS NULL THEN '{}'::oid [] ELSE v_relid OPERATOR(pg_catalog.||) ARRAY(
                SELECT t.relid FROM pg_catalog.pg_partition_tree(v_relid) AS t WHERE t.relid OPERATOR(pg_catalog.<>) v_relid
            ) END));
    ELSE
        NULL;  -- VACUUM, ANALYZE, REINDEX, CLUSTER: no event trigger fires; any DDL during them is wrong
    END CASE;
    -- The triggers must be able to fire in this session, or nothing would be confirmed.
    IF (v_exp->>'fires') OPERATOR(pg_catalog.=) 'true' THEN
        SELECT pg_catalog.string_agg(n.evtname, ', ') INTO v_off
        FROM (VALUES ('wedopt_act_confirm_ddl'), ('wedopt_act_confirm_drop')) AS n (evtname)
        LEFT JOIN pg_catalog.pg_event_trigger AS e ON e.evtname OPERATOR(pg_catalog.=) n.evtname
        WHERE NOT coalesce(e.evtenabled OPERATOR(pg_catalog.=) 'A'
            OR (e.evtenabled OPERATOR(pg_catalog.=) 'O' AND pg_catalog.current_setting('session_replication_role') OPERATOR(pg_catalog.<>) 'replica')
            OR (e.evtenabled OPERATOR(pg_catalog.=) 'R' AND pg_catalog.current_setting('session_replication_role') OPERATOR(pg_catalog.=) 'replica'), FALSE);
        IF v_off IS NOT NULL THEN
            RAISE EXCEPTION 'wedopt: the event trigger(s) % would not fire here: the server could not confirm the %', v_off, v_stmt.command_tag
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = 'Nothing was run. ALTER EVENT TRIGGER ... ENABLE (a superuser), and do not run admin statements '
                          'with session_replication_role = replica.';
        END IF;
    END IF;
    PERFORM pg_catalog.set_config('wedopt.act_expect', v_exp::text, FALSE);
    RETURN v_exp;
END
$$;

COMMENT ON FUNCTION @extschema@._act_expect(text, text, bigint) IS
'wedopt (internal): record what the admin statement about to run must do (command tag, target), '
'which the event triggers wedopt_act_confirm_ddl / wedopt_act_confirm_drop check at execution time; '
'NULL: clear it and return how it ended';

GRANT EXECUTE ON FUNCTION @extschema@._act_expect(text, text, bigint) TO wedopt_admin;
