-- Whether a booking surge is on (booking_surge()): for the guard rails and auto_tune().
CREATE OR REPLACE FUNCTION @extschema@._surge_active(p_now timestamptz DEFAULT pg_catalog.now())
RETURNS boolean
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN @extschema@._surge_description(p_now) IS NOT NULL;
END
$$;

COMMENT ON FUNCTION @extschema@._surge_active(timestamptz) IS
'wedopt (internal): whether a booking surge is on at the given time (any table of act.surge_tables '
'surging in booking_surge()); the guard rails then use the surge settings';

GRANT EXECUTE ON FUNCTION @extschema@._surge_active(timestamptz) TO wedopt_admin;
