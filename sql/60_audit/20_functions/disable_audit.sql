CREATE OR REPLACE FUNCTION @extschema@.disable_audit(target regclass)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    p_target regclass := disable_audit.target;
    v_rel regclass;
    v_trigger text;
    v_count integer := 0;
BEGIN
    PERFORM @extschema@._require_primary('disable_audit()');
    FOR v_rel, v_trigger IN
        SELECT t.tgrelid::regclass, t.tgname::text
        FROM pg_catalog.pg_trigger AS t
        WHERE
            t.tgname::text LIKE 'wedopt\_audit\_%'
            AND (
                t.tgrelid OPERATOR(pg_catalog.=) p_target
                OR t.tgrelid IN (SELECT p.relid FROM pg_catalog.pg_partition_tree(p_target) AS p)
            )
    LOOP
        EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s', v_trigger, v_rel);
        v_count := v_count + 1;
    END LOOP;
    UPDATE @extschema@.audit_config AS c SET enabled = FALSE
    WHERE c.target OPERATOR(pg_catalog.=) p_target;
    IF v_count OPERATOR(pg_catalog.=) 0 THEN
        RAISE NOTICE 'wedopt: % was not audited', p_target;
    ELSE
        RAISE NOTICE 'wedopt: stopped auditing % (% trigger(s) dropped; its audit rows are kept)',
            p_target, v_count;
    END IF;
END
$$;

COMMENT ON FUNCTION @extschema@.disable_audit(regclass) IS
'wedopt: stop auditing a table (and its partitions); the audit rows already written are kept';

GRANT EXECUTE ON FUNCTION @extschema@.disable_audit(regclass) TO wedopt_admin;
