CREATE OR REPLACE FUNCTION @extschema@._act_lock_timeout()
RETURNS text
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT (pg_catalog.date_part('epoch', @extschema@.get_setting('act.lock_timeout')::interval)
        OPERATOR(pg_catalog.*) 1000)::bigint::text OPERATOR(pg_catalog.||) 'ms';
$$;

COMMENT ON FUNCTION @extschema@._act_lock_timeout() IS
'wedopt (internal): the setting act.lock_timeout as a lock_timeout value (milliseconds)';

GRANT EXECUTE ON FUNCTION @extschema@._act_lock_timeout() TO wedopt_admin;
