CREATE OR REPLACE VIEW @extschema@.settings AS
SELECT
    d.name,
    d.area,
    @extschema@.get_setting(d.name) AS value,
    CASE WHEN s.name IS NULL THEN 'default' ELSE 'set' END AS source,
    d.value_type,
    d.unit,
    d.conservative,
    d.moderate,
    d.aggressive,
    d.allowed_values,
    d.description,
    s.changed_at,
    s.changed_by
FROM @extschema@.setting_default AS d
LEFT JOIN @extschema@.setting AS s ON d.name OPERATOR (pg_catalog.=) s.name;

COMMENT ON VIEW @extschema@.settings IS
'wedopt: every setting with the value in force, where it comes from, and its defaults '
'at each aggressiveness level';

GRANT SELECT ON @extschema@.settings TO wedopt_monitor;
