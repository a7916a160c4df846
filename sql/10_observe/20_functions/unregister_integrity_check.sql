CREATE OR REPLACE FUNCTION @extschema@.unregister_integrity_check(p_check_name text)
RETURNS boolean
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM @extschema@._require_primary('unregister_integrity_check()');
    DELETE FROM @extschema@.integrity_check AS k WHERE k.check_name = p_check_name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'wedopt: no integrity check named "%"', p_check_name
            USING ERRCODE = 'undefined_object',
                  HINT = 'SELECT check_name FROM wedopt.integrity_check lists them.';
    END IF;
    RETURN TRUE;
END
$$;

COMMENT ON FUNCTION @extschema@.unregister_integrity_check(text) IS
'wedopt: remove a double-booking check registered with register_integrity_check()';

GRANT EXECUTE ON FUNCTION @extschema@.unregister_integrity_check(text) TO wedopt_admin;
