-- Jobs that change the schema respect the act area's guard rails for DDL: the event-day freeze
-- (act.freeze_days in act.time_zone) and the maintenance window (act.maintenance_window).
CREATE OR REPLACE FUNCTION @extschema@._schedule_freeze()
RETURNS text
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT @extschema@._admin_guard_rails(pg_catalog.now())
$$;

COMMENT ON FUNCTION @extschema@._schedule_freeze() IS
'wedopt (internal): why jobs that change the schema must not run now (the act area''s guard rails: '
'event-day freeze act.freeze_days, maintenance window act.maintenance_window, in act.time_zone), or NULL';

GRANT EXECUTE ON FUNCTION @extschema@._schedule_freeze() TO wedopt_admin;
