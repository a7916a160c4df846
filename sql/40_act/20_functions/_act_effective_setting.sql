-- The value of a guard-rail setting in force at a time: during a booking surge
-- (_surge_description) the index cap and the storage share are the lower of the normal and the
-- surge setting, and the event days are act.freeze_days plus act.surge_freeze_days. surge names
-- the surge when it changed the value, for the refusal's message.
CREATE OR REPLACE FUNCTION @extschema@._act_effective_setting(
    p_name text,
    p_now timestamptz DEFAULT pg_catalog.now(),
    OUT value text,
    OUT surge text
)
RETURNS record
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_surge_value text;
BEGIN
    value := @extschema@.get_setting(p_name);
    IF p_name NOT IN ('act.index_cap', 'act.disk_budget_share', 'act.freeze_days') THEN
        RETURN;
    END IF;
    surge := @extschema@._surge_description(p_now);
    IF surge IS NULL THEN
        RETURN;
    END IF;
    v_surge_value := @extschema@.get_setting(CASE p_name
        WHEN 'act.index_cap' THEN 'act.surge_index_cap'
        WHEN 'act.disk_budget_share' THEN 'act.surge_disk_budget_share'
        ELSE 'act.surge_freeze_days' END);
    IF p_name OPERATOR(pg_catalog.=) 'act.freeze_days' THEN
        value := ARRAY(
            SELECT DISTINCT d FROM pg_catalog.unnest(value::text [] OPERATOR(pg_catalog.||) v_surge_value::text []) AS d ORDER BY d
        )::text;
        IF NOT EXISTS (
            SELECT FROM pg_catalog.unnest(v_surge_value::text []) AS d
            WHERE pg_catalog.lower(d) OPERATOR(pg_catalog.<>) ALL (
                SELECT pg_catalog.lower(n) FROM pg_catalog.unnest(@extschema@.get_setting(p_name)::text []) AS n)
        ) THEN
            surge := NULL;  -- the surge adds no day
        END IF;
    ELSIF v_surge_value::numeric OPERATOR(pg_catalog.<) value::numeric THEN
        value := v_surge_value;
    ELSE
        surge := NULL;  -- the surge setting is not tighter
    END IF;
END
$$;

COMMENT ON FUNCTION @extschema@._act_effective_setting(text, timestamptz) IS
'wedopt (internal): a guard-rail setting as it applies at the given time: during a booking surge '
'act.index_cap and act.disk_budget_share are lowered to act.surge_index_cap / act.surge_disk_budget_share '
'and act.freeze_days widened by act.surge_freeze_days; surge names the surge when it changed the value';

GRANT EXECUTE ON FUNCTION @extschema@._act_effective_setting(text, timestamptz) TO wedopt_admin;
