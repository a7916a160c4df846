-- Event trigger (sql_drop) of the execution-time cross-check (_act_expect): while wedopt runs an
-- admin statement, every object dropped must be the expected index or one of its partitions'
-- indexes (or a temporary diff table of REFRESH ... CONCURRENTLY); anything else raises.
CREATE OR REPLACE FUNCTION @extschema@._act_confirm_drop()
RETURNS event_trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_text text := pg_catalog.current_setting('wedopt.act_expect', TRUE);
    v_exp jsonb;
    v_obj record;
    v_n integer := 0;
BEGIN
    IF v_text IS NULL OR v_text OPERATOR(pg_catalog.=) '' THEN
        RETURN;
    END IF;
    IF pg_catalog.current_setting('wedopt.audit_creating_triggers', TRUE) OPERATOR(pg_catalog.=) 'on' THEN
        RETURN;
    END IF;
    BEGIN
        v_exp := v_text::jsonb;
    EXCEPTION WHEN OTHERS THEN
        RAISE EXCEPTION 'wedopt: the setting wedopt.act_expect is not wedopt''s' USING ERRCODE = 'invalid_parameter_value',
            HINT = 'RESET wedopt.act_expect; only wedopt sets it, while it runs an admin statement.';
    END;
    FOR v_obj IN SELECT * FROM pg_catalog.pg_event_trigger_dropped_objects() LOOP
        IF (v_exp->>'temp_ok') OPERATOR(pg_catalog.=) 'true' AND v_obj.is_temporary THEN
            CONTINUE;
        END IF;
        IF (v_exp->>'kind') OPERATOR(pg_catalog.<>) 'DropStmt' OR v_obj.object_type OPERATOR(pg_catalog.<>) 'index'
           OR NOT (v_exp->'drops' @> pg_catalog.to_jsonb(v_obj.objid))
           OR (v_obj.original AND v_obj.objid IS DISTINCT FROM (v_exp->>'objid')::oid) THEN
            RAISE EXCEPTION 'wedopt: event trigger wedopt_act_confirm_drop: the server dropped % % where wedopt expected % only (%)',
                v_obj.object_type, v_obj.object_identity, (v_exp->>'tag'), (v_exp->>'statement')
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'Nothing of it was applied: the statement was rolled back. Some other code ran DDL during the '
                          'admin statement (another event trigger, a function it called): see wedopt.action_log.';
        END IF;
        v_n := v_n OPERATOR(pg_catalog.+) 1;
    END LOOP;
    IF v_n OPERATOR(pg_catalog.>) 0 THEN
        PERFORM pg_catalog.set_config('wedopt.act_expect',
            pg_catalog.jsonb_set(v_exp, '{dropped}', pg_catalog.to_jsonb((v_exp->>'dropped')::integer OPERATOR(pg_catalog.+) v_n))::text,
            FALSE);
    END IF;
END
$$;

COMMENT ON FUNCTION @extschema@._act_confirm_drop() IS
'wedopt (internal): event trigger (sql_drop): while wedopt runs an admin statement in this session '
'(_act_expect), refuses dropping anything but the expected index (and its partitions'' indexes)';

DO $events$
BEGIN
    IF NOT EXISTS (
        SELECT FROM pg_catalog.pg_event_trigger WHERE evtname OPERATOR(pg_catalog.=) 'wedopt_act_confirm_ddl'
    ) THEN
        CREATE EVENT TRIGGER wedopt_act_confirm_ddl ON ddl_command_end
        EXECUTE FUNCTION @extschema@._act_confirm_ddl();
    END IF;
    IF NOT EXISTS (
        SELECT FROM pg_catalog.pg_event_trigger WHERE evtname OPERATOR(pg_catalog.=) 'wedopt_act_confirm_drop'
    ) THEN
        CREATE EVENT TRIGGER wedopt_act_confirm_drop ON sql_drop
        EXECUTE FUNCTION @extschema@._act_confirm_drop();
    END IF;
END
$events$;
