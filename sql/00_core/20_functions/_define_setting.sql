CREATE OR REPLACE FUNCTION @extschema@._define_setting(
    p_name text,
    p_area text,
    p_value_type text,
    p_conservative text,
    p_moderate text,
    p_aggressive text,
    p_description text,
    p_unit text DEFAULT NULL,
    p_allowed_values text[] DEFAULT NULL
)
RETURNS void
LANGUAGE sql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    -- Upsert, so a data fragment can be re-run by every upgrade script.
    INSERT INTO @extschema@.setting_default AS d (
        name, area, value_type, conservative, moderate, aggressive,
        allowed_values, unit, description
    ) VALUES (
        p_name, p_area, p_value_type, p_conservative, p_moderate, p_aggressive,
        p_allowed_values, p_unit, p_description
    )
    ON CONFLICT (name) DO UPDATE SET
        area = excluded.area,
        value_type = excluded.value_type,
        conservative = excluded.conservative,
        moderate = excluded.moderate,
        aggressive = excluded.aggressive,
        allowed_values = excluded.allowed_values,
        unit = excluded.unit,
        description = excluded.description;
$$;

COMMENT ON FUNCTION @extschema@._define_setting(
    text, text, text, text, text, text, text, text, text[]
) IS
'wedopt (internal): declare a setting and its default at each aggressiveness level; '
'used by the install and upgrade scripts';
