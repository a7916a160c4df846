CREATE OR REPLACE VIEW @extschema@.alert_rules AS
SELECT
    coalesce(r.rule_name, d.rule_name) AS rule_name,
    coalesce(r.metric, d.metric) AS metric,
    coalesce(r.comparison, d.comparison) AS comparison,
    coalesce(r.threshold, d.threshold) AS threshold,
    coalesce(r.duration, d.duration) AS duration,
    coalesce(r.level, d.level) AS level,
    coalesce(r.enabled, TRUE) AS enabled,
    coalesce(r.description, d.description) AS description,
    CASE WHEN r.rule_name IS NULL THEN 'default' WHEN d.rule_name IS NULL THEN 'added' ELSE 'changed' END
        AS source
FROM @extschema@.alert_rule_default AS d
FULL JOIN @extschema@.alert_rule AS r ON d.rule_name = r.rule_name;

COMMENT ON VIEW @extschema@.alert_rules IS
'wedopt: the alert rules in force: shipped defaults, with the DBA''s changes and additions '
'(wedopt.set_alert_rule())';

GRANT SELECT ON @extschema@.alert_rules TO wedopt_monitor;
