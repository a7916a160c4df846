CREATE OR REPLACE FUNCTION @extschema@.set_setting(p_name text, p_value text)
RETURNS text
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_default @extschema@.setting_default;
BEGIN
    PERFORM @extschema@._require_primary('set_setting()');
    v_default := @extschema@._setting_definition(p_name);
    IF p_value IS NULL THEN
        RAISE EXCEPTION 'wedopt: setting "%" cannot be NULL', p_name
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = format('SELECT wedopt.reset_setting(%L) restores the default.', p_name);
    END IF;

    BEGIN
        -- value_type comes from a CHECK-constrained list, never from the caller.
        EXECUTE format('SELECT %L::%s', p_value, v_default.value_type);
    EXCEPTION WHEN data_exception THEN
        RAISE EXCEPTION 'wedopt: "%" is not a valid % for setting "%"',
            p_value, v_default.value_type, p_name
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = format('The default is %L (%s).',
                                v_default.moderate, coalesce(v_default.unit, v_default.value_type));
    END;

    IF v_default.allowed_values IS NOT NULL
       AND NOT p_value OPERATOR(pg_catalog.=) ANY (v_default.allowed_values) THEN
        RAISE EXCEPTION 'wedopt: "%" is not an allowed value for setting "%"', p_value, p_name
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = format('Allowed values: %s.',
                                pg_catalog.array_to_string(v_default.allowed_values, ', '));
    END IF;

    INSERT INTO @extschema@.setting AS s (name, value)
    VALUES (p_name, p_value)
    ON CONFLICT (name) DO UPDATE
        SET value = excluded.value, changed_at = pg_catalog.now(), changed_by = current_user;
    -- wedopt's own actions are audited, linked to their transaction.
    PERFORM @extschema@._record_action('set_setting', p_name, pg_catalog.jsonb_build_object('value', p_value));
    RETURN p_value;
END
$$;

COMMENT ON FUNCTION @extschema@.set_setting(text, text) IS
'wedopt: set a setting (validated against its type and allowed values); '
'kept across pg_dump/restore; returns the value now in force';

GRANT EXECUTE ON FUNCTION @extschema@.set_setting(text, text) TO wedopt_admin;
