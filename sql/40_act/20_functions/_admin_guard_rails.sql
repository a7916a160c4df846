-- The guard rails of DDL (doc/act.md): event-day freeze (widened during a booking surge) and
-- maintenance window, in act.time_zone.
-- Returns NULL when DDL may run now, else the refusal message.
CREATE OR REPLACE FUNCTION @extschema@._admin_guard_rails(p_now timestamptz DEFAULT pg_catalog.now())
RETURNS text
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_zone text := @extschema@.get_setting('act.time_zone');
    v_local timestamp;
    v_day text;
    v_window text := pg_catalog.btrim(@extschema@.get_setting('act.maintenance_window'));
    v_from time;
    v_to time;
    v_inside boolean;
    v_freeze record;
BEGIN
    v_local := p_now AT TIME ZONE v_zone;
    v_day := pg_catalog.to_char(v_local, 'FMDay');
    IF pg_catalog.lower(v_day) OPERATOR(pg_catalog.=) ANY (
        SELECT pg_catalog.lower(d) FROM pg_catalog.unnest(@extschema@.get_setting('act.freeze_days')::text []) AS d
    ) THEN
        RETURN pg_catalog.format('today (%s in %s) is an event day: no DDL (setting act.freeze_days)', v_day, v_zone);
    END IF;
    -- During a booking surge the freeze widens (act.surge_freeze_days).
    v_freeze := @extschema@._act_effective_setting('act.freeze_days', p_now);
    IF v_freeze.surge IS NOT NULL AND pg_catalog.lower(v_day) OPERATOR(pg_catalog.=) ANY (
        SELECT pg_catalog.lower(d) FROM pg_catalog.unnest(v_freeze.value::text []) AS d
    ) THEN
        RETURN pg_catalog.format(
            'today (%s in %s) is an event day during %s: no DDL (setting act.surge_freeze_days)',
            v_day, v_zone, v_freeze.surge
        );
    END IF;
    IF v_window OPERATOR(pg_catalog.<>) '' THEN
        BEGIN
            v_from := pg_catalog.split_part(v_window, '-', 1)::time;
            v_to := pg_catalog.split_part(v_window, '-', 2)::time;
        EXCEPTION WHEN data_exception THEN
            RETURN pg_catalog.format('act.maintenance_window %L is not HH:MM-HH:MM', v_window);
        END;
        v_inside := CASE WHEN v_from OPERATOR(pg_catalog.<=) v_to
            THEN v_local::time OPERATOR(pg_catalog.>=) v_from AND v_local::time OPERATOR(pg_catalog.<) v_to
            ELSE v_local::time OPERATOR(pg_catalog.>=) v_from OR v_local::time OPERATOR(pg_catalog.<) v_to
        END;
        IF NOT v_inside THEN
            RETURN pg_catalog.format(
                'it is %s in %s, outside the maintenance window %s (setting act.maintenance_window)',
                pg_catalog.to_char(v_local, 'HH24:MI'), v_zone, v_window
            );
        END IF;
    END IF;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION @extschema@._admin_guard_rails(timestamptz) IS
'wedopt (internal): NULL when DDL may run at the given time, else why not (event-day freeze of '
'act.freeze_days, widened by act.surge_freeze_days during a booking surge; maintenance window '
'act.maintenance_window; both in act.time_zone)';

GRANT EXECUTE ON FUNCTION @extschema@._admin_guard_rails(timestamptz) TO wedopt_admin;
