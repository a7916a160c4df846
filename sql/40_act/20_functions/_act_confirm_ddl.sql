-- Event trigger (ddl_command_end) of the execution-time cross-check (_act_expect): fires for
-- every DDL of the database and returns at once unless wedopt is running an admin statement in
-- this session; then the command must be the expected one: its tag, one object, the target.
-- Anything else (another command, another object, a second command) raises, and the statement
-- with all it did is rolled back.
CREATE OR REPLACE FUNCTION @extschema@._act_confirm_ddl()
RETURNS event_trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_text text := pg_catalog.current_setting('wedopt.act_expect', TRUE);
    v_exp jsonb;
    v_cmd record;
    v_n integer := 0;
    v_problem text;
BEGIN
    IF v_text IS NULL OR v_text OPERATOR(pg_catalog.=) '' THEN
        RETURN;
    END IF;
    -- wedopt's audit puts its triggers back after an ALTER TABLE of an audited table: its own work.
    IF pg_catalog.current_setting('wedopt.audit_creating_triggers', TRUE) OPERATOR(pg_catalog.=) 'on' THEN
        RETURN;
    END IF;
    BEGIN
        v_exp := v_text::jsonb;
    EXCEPTION WHEN OTHERS THEN
        RAISE EXCEPTION 'wedopt: the setting wedopt.act_expect is not wedopt''s' USING ERRCODE = 'invalid_parameter_value',
            HINT = 'RESET wedopt.act_expect; only wedopt sets it, while it runs an admin statement.';
    END;
    FOR v_cmd IN SELECT * FROM pg_catalog.pg_event_trigger_ddl_commands() LOOP
        v_n := v_n OPERATOR(pg_catalog.+) 1;
        IF (v_exp->>'temp_ok') OPERATOR(pg_catalog.=) 'true' AND v_cmd.schema_name LIKE 'pg\_temp%' THEN
            CONTINUE;
        END IF;
        IF v_cmd.command_tag OPERATOR(pg_catalog.<>) (v_exp->>'tag') OR v_cmd.object_type IS DISTINCT FROM (v_exp->>'object_type') THEN
            v_problem := pg_catalog.format('%s of %s %s', v_cmd.command_tag, v_cmd.object_type, v_cmd.object_identity);
        ELSIF v_exp ? 'objid' AND v_cmd.objid IS DISTINCT FROM (v_exp->>'objid')::oid THEN
            v_problem := pg_catalog.format('%s of another object, %s', v_cmd.command_tag, v_cmd.object_identity);
        ELSIF (v_exp->>'object_type') OPERATOR(pg_catalog.=) 'index' AND v_exp ? 'table_oid' AND NOT EXISTS (
            SELECT FROM pg_catalog.pg_index AS i JOIN pg_catalog.pg_class AS c ON c.oid OPERATOR(pg_catalog.=) i.indexrelid
            WHERE i.indexrelid OPERATOR(pg_catalog.=) v_cmd.objid AND i.indrelid OPERATOR(pg_catalog.=) (v_exp->>'table_oid')::oid
                AND pg_catalog.quote_ident(c.relname::text) OPERATOR(pg_catalog.=) (v_exp->>'name')
        ) THEN
            v_problem := pg_catalog.format('%s of another index, %s', v_cmd.command_tag, v_cmd.object_identity);
        ELSIF (v_exp->>'object_type') OPERATOR(pg_catalog.=) 'statistics object' AND NOT EXISTS (
            SELECT FROM pg_catalog.pg_statistic_ext AS s
            WHERE s.oid OPERATOR(pg_catalog.=) v_cmd.objid AND s.stxrelid OPERATOR(pg_catalog.=) (v_exp->>'table_oid')::oid
        ) THEN
            v_problem := pg_catalog.format('%s on another table, %s', v_cmd.command_tag, v_cmd.object_identity);
        END IF;
        EXIT WHEN v_problem IS NOT NULL;
    END LOOP;
    IF v_problem IS NULL AND TG_TAG OPERATOR(pg_catalog.<>) (v_exp->>'tag') THEN
        IF (v_exp->>'temp_ok') OPERATOR(pg_catalog.=) 'true' AND TG_TAG IN ('CREATE TABLE', 'ALTER TABLE', 'DROP TABLE') AND v_n OPERATOR(pg_catalog.=) 0 THEN
            RETURN;  -- the diff tables of REFRESH ... CONCURRENTLY (PostgreSQL lists no command for them)
        END IF;
        v_problem := pg_catalog.format('a %s', TG_TAG);
    END IF;
    IF v_problem IS NULL AND (v_exp->>'kind') OPERATOR(pg_catalog.<>) 'DropStmt' AND v_n OPERATOR(pg_catalog.<>) 1 THEN
        v_problem := pg_catalog.format('%s commands in one %s', v_n, TG_TAG);
    END IF;
    IF v_problem IS NULL AND (v_exp->>'seen')::integer OPERATOR(pg_catalog.>) 0 THEN
        v_problem := pg_catalog.format('a second %s', TG_TAG);
    END IF;
    IF v_problem IS NOT NULL THEN
        RAISE EXCEPTION 'wedopt: event trigger wedopt_act_confirm_ddl: the server ran % where wedopt expected % only (%)',
            v_problem, (v_exp->>'tag'), (v_exp->>'statement')
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Nothing of it was applied: the statement was rolled back. Some other code ran DDL during the admin '
                      'statement (another event trigger, a function it called): see wedopt.action_log and pg_event_trigger.';
    END IF;
    PERFORM pg_catalog.set_config('wedopt.act_expect',
        pg_catalog.jsonb_set(v_exp, '{seen}', pg_catalog.to_jsonb((v_exp->>'seen')::integer OPERATOR(pg_catalog.+) 1))::text, FALSE);
END
$$;

COMMENT ON FUNCTION @extschema@._act_confirm_ddl() IS
'wedopt (internal): event trigger (ddl_command_end): while wedopt runs an admin statement in this '
'session (_act_expect), refuses any DDL that is not the expected command on the expected object, '
'so that it is rolled back; returns at once otherwise';
