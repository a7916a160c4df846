CREATE OR REPLACE FUNCTION @extschema@._cron_database()
RETURNS text
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_db text := current_setting('cron.database_name', true);
BEGIN
    IF v_db IS NULL OR NOT 'pg_cron' = ANY(
        string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ',')
    ) THEN
        RAISE EXCEPTION 'wedopt: pg_cron is not loaded on this server'
        USING ERRCODE = 'object_not_in_prerequisite_state',
        HINT = 'Add pg_cron to shared_preload_libraries, set cron.database_name (the database where '
        || 'CREATE EXTENSION pg_cron is run) and cron.use_background_workers = on, restart the server, '
        || 'then CREATE EXTENSION pg_cron in that database.';
    END IF;
    RETURN v_db;
END
$$;

COMMENT ON FUNCTION @extschema@._cron_database() IS
'wedopt (internal): the database where pg_cron keeps its jobs (cron.database_name), or an error '
'with a HINT naming shared_preload_libraries and cron.database_name when pg_cron is not loaded';
