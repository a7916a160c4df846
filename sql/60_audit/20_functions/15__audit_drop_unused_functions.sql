CREATE OR REPLACE FUNCTION @extschema@._audit_drop_unused_functions()
RETURNS integer
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_fn regprocedure;
    v_count integer := 0;
BEGIN
    PERFORM @extschema@._require_primary('_audit_drop_unused_functions()');
    -- Generated audit trigger functions that no trigger uses any more (audit disabled, the
    -- table dropped, or a restore that gave the table a new oid and so a new function).
    FOR v_fn IN
        SELECT p.oid::regprocedure
        FROM pg_catalog.pg_proc AS p
        WHERE
            p.pronamespace OPERATOR(pg_catalog.=) '@extschema@'::regnamespace
            AND p.proname::text LIKE '\_audit\_trg\_%'
            AND NOT EXISTS (
                SELECT FROM pg_catalog.pg_trigger AS t WHERE t.tgfoid OPERATOR(pg_catalog.=) p.oid
            )
    LOOP
        EXECUTE pg_catalog.format('DROP FUNCTION %s', v_fn);
        v_count := v_count + 1;
    END LOOP;
    RETURN v_count;
END
$$;

COMMENT ON FUNCTION @extschema@._audit_drop_unused_functions() IS
'wedopt (internal): drop the generated audit trigger functions no trigger uses any more';

GRANT EXECUTE ON FUNCTION @extschema@._audit_drop_unused_functions() TO wedopt_admin;
