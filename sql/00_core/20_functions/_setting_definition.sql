CREATE OR REPLACE FUNCTION @extschema@._setting_definition(p_name text)
RETURNS @extschema@.setting_default
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_default @extschema@.setting_default;
BEGIN
    SELECT d.* INTO v_default
    FROM @extschema@.setting_default AS d
    WHERE d.name = p_name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'wedopt: unknown setting "%"', p_name
            USING ERRCODE = 'undefined_object',
                  HINT = 'SELECT name, value, description FROM wedopt.settings lists them.';
    END IF;
    RETURN v_default;
END
$$;

COMMENT ON FUNCTION @extschema@._setting_definition(text) IS
'wedopt (internal): the declaration of a setting (type, defaults per level), '
'or a clear error for an unknown name';

GRANT EXECUTE ON FUNCTION @extschema@._setting_definition(text) TO wedopt_monitor;
