-- A dropped audited table (sql_drop) leaves no audit configuration behind.
CREATE OR REPLACE FUNCTION @extschema@._audit_sql_drop()
RETURNS event_trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_issuer text := CASE
        WHEN pg_catalog.current_setting('role') OPERATOR(pg_catalog.=) 'none' THEN session_user::text
        ELSE pg_catalog.current_setting('role')
    END;
    v_object record;
    v_table regclass;
BEGIN
    IF NOT EXISTS (SELECT FROM @extschema@.audit_config) THEN
        RETURN;
    END IF;
    FOR v_object IN SELECT * FROM pg_catalog.pg_event_trigger_dropped_objects() LOOP
        IF v_object.object_type OPERATOR(pg_catalog.=) 'table' THEN
            -- An audited table dropped: its configuration goes (no dangling oid), and the log
            -- says so, so that a new table of the same name does not inherit its history.
            DELETE FROM @extschema@.audit_config AS c WHERE c.target::oid OPERATOR(pg_catalog.=) v_object.objid;
            IF FOUND THEN
                PERFORM @extschema@._audit_action(
                    'drop_table', pg_catalog.format('%I.%I', v_object.schema_name, v_object.object_name),
                    pg_catalog.jsonb_build_object('relid', v_object.objid)
                );
            END IF;
        ELSIF
            v_object.object_type OPERATOR(pg_catalog.=) 'trigger'
            AND v_object.address_names[3] LIKE 'wedopt\_audit\_%'
            AND NOT pg_catalog.pg_has_role(v_issuer, 'wedopt_admin', 'MEMBER')
        THEN
            v_table := pg_catalog.to_regclass(
                pg_catalog.format('%I.%I', v_object.address_names[1], v_object.address_names[2])
            );
            IF v_table IS NOT NULL AND EXISTS (
                SELECT FROM @extschema@.audit_config AS c
                WHERE
                    c.enabled
                    AND (
                        c.target OPERATOR(pg_catalog.=) v_table
                        OR c.target IN (SELECT a.rel FROM pg_catalog.pg_partition_ancestors(v_table) AS a (rel))
                    )
            ) THEN
                RAISE EXCEPTION 'wedopt: only a wedopt_admin may drop the audit trigger %', v_object.object_identity
                    USING ERRCODE = 'insufficient_privilege',
                          HINT = 'An admin stops auditing with SELECT wedopt.disable_audit(''<table>'').';
            END IF;
        END IF;
    END LOOP;
END
$$;

COMMENT ON FUNCTION @extschema@._audit_sql_drop() IS
'wedopt (internal): event trigger (sql_drop): refuses dropping an audit trigger by someone who '
'is not a wedopt_admin; forgets the configuration of a dropped audited table and logs the drop';

DO $events$
BEGIN
    IF NOT EXISTS (
        SELECT FROM pg_catalog.pg_event_trigger WHERE evtname OPERATOR(pg_catalog.=) 'wedopt_audit_ddl_end'
    ) THEN
        CREATE EVENT TRIGGER wedopt_audit_ddl_end ON ddl_command_end
        WHEN TAG IN ('ALTER TABLE', 'CREATE TABLE', 'CREATE TRIGGER', 'ALTER TRIGGER')
        EXECUTE FUNCTION @extschema@._audit_ddl_end();
    END IF;
    IF NOT EXISTS (
        SELECT FROM pg_catalog.pg_event_trigger WHERE evtname OPERATOR(pg_catalog.=) 'wedopt_audit_sql_drop'
    ) THEN
        CREATE EVENT TRIGGER wedopt_audit_sql_drop ON sql_drop
        WHEN TAG IN ('DROP TABLE', 'DROP TRIGGER', 'ALTER TABLE')
        EXECUTE FUNCTION @extschema@._audit_sql_drop();
    END IF;
END
$events$;
