CREATE OR REPLACE FUNCTION @extschema@.reset_setting(p_name text)
RETURNS text
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM @extschema@._require_primary('reset_setting()');
    -- get_setting() raises the clear error for an unknown name.
    PERFORM @extschema@.get_setting(p_name);
    DELETE FROM @extschema@.setting AS s WHERE s.name OPERATOR(pg_catalog.=) p_name;
    PERFORM @extschema@._record_action('reset_setting', p_name, NULL);
    RETURN @extschema@.get_setting(p_name);
END
$$;

COMMENT ON FUNCTION @extschema@.reset_setting(text) IS
'wedopt: forget the DBA''s value of a setting; returns the default now in force';

GRANT EXECUTE ON FUNCTION @extschema@.reset_setting(text) TO wedopt_admin;
