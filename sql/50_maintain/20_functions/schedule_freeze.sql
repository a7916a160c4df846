CREATE OR REPLACE FUNCTION @extschema@._schedule_freeze()
RETURNS text
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_days text;
    v_zone text;
    v_frozen boolean;
BEGIN
    -- The event-day freeze belongs to the act area. Read where it is present: its function
    -- first, else its settings (act.freeze_days: day names, act.freeze_timezone); absent, no freeze.
    IF to_regprocedure('@extschema@.in_event_day_freeze()') IS NOT NULL THEN
        EXECUTE 'SELECT @extschema@.in_event_day_freeze()' INTO v_frozen;
        RETURN CASE WHEN v_frozen THEN 'the event-day freeze is on (in_event_day_freeze())' END;
    END IF;
    IF EXISTS (SELECT FROM @extschema@.setting_default AS d WHERE d.name = 'act.freeze_days') THEN
        v_days := @extschema@.get_setting('act.freeze_days');
        v_zone := CASE
            WHEN EXISTS (SELECT FROM @extschema@.setting_default AS d WHERE d.name = 'act.freeze_timezone')
                THEN @extschema@.get_setting('act.freeze_timezone')
        END;
        IF lower(trim(to_char(now() AT TIME ZONE coalesce(v_zone, 'UTC'), 'FMDay'))) = ANY(
            string_to_array(lower(replace(coalesce(v_days, ''), ' ', '')), ',')
        ) THEN
            RETURN format('today is an event day (act.freeze_days = %s)', v_days);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION @extschema@._schedule_freeze() IS
'wedopt (internal): why jobs that change the schema must not run now (the event-day freeze of the '
'act area: in_event_day_freeze(), else settings act.freeze_days / act.freeze_timezone), or NULL';

GRANT EXECUTE ON FUNCTION @extschema@._schedule_freeze() TO wedopt_monitor;
