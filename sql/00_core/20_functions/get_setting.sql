CREATE OR REPLACE FUNCTION @extschema@.get_setting(p_name text)
RETURNS text
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_level text;
    v_default @extschema@.setting_default;
    v_value text;
BEGIN
    v_default := @extschema@._setting_definition(p_name);

    SELECT s.value INTO v_value
    FROM @extschema@.setting AS s
    WHERE s.name OPERATOR(pg_catalog.=) p_name;
    IF FOUND THEN
        RETURN v_value;
    END IF;

    IF p_name OPERATOR(pg_catalog.=) 'aggressiveness' THEN
        RETURN v_default.moderate;
    END IF;
    v_level := @extschema@.get_setting('aggressiveness');
    RETURN CASE v_level
        WHEN 'conservative' THEN v_default.conservative
        WHEN 'aggressive' THEN v_default.aggressive
        ELSE v_default.moderate
    END;
END
$$;

COMMENT ON FUNCTION @extschema@.get_setting(text) IS
'wedopt: the value in force for a setting: the DBA''s value if set, else the default of the '
'current aggressiveness level (see the view wedopt.settings)';

GRANT EXECUTE ON FUNCTION @extschema@.get_setting(text) TO wedopt_monitor;
