CREATE OR REPLACE FUNCTION @extschema@._cron_query(p_sql text)
RETURNS SETOF jsonb
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_db text := @extschema@._cron_database();
    v_dblink text;
    v_conn text;
BEGIN
    -- p_sql is wedopt's own text (the scheduling functions), never the caller's.
    IF v_db = current_database() THEN
        IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_cron') THEN
            RAISE EXCEPTION 'wedopt: pg_cron is loaded but its extension is not created in %', v_db
            USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = format('Run CREATE EXTENSION pg_cron in database %I (cron.database_name).', v_db);
        END IF;
        RETURN QUERY EXECUTE format('SELECT to_jsonb(q) FROM (%s) AS q', p_sql);
        RETURN;
    END IF;
    -- pg_cron lives in another database (cron.database_name): reach it through dblink, over
    -- the server's own socket, as this function's user.
    SELECT n.nspname INTO v_dblink
    FROM pg_extension AS e JOIN pg_namespace AS n ON e.extnamespace = n.oid
    WHERE e.extname = 'dblink';
    IF v_dblink IS NULL THEN
        RAISE EXCEPTION 'wedopt: pg_cron lives in database % (cron.database_name), and reaching it from % needs dblink',
            v_db, current_database()
        USING ERRCODE = 'object_not_in_prerequisite_state',
        HINT = 'CREATE EXTENSION dblink in this database, or install wedopt in the database named by '
        || 'cron.database_name.';
    END IF;
    SELECT string_agg(format('%s=''%s''', k, replace(replace(v, '\', '\\'), '''', '\''')), ' ')
    INTO v_conn
    FROM (
        VALUES
        ('dbname', v_db),
        ('port', current_setting('port')),
        ('user', current_user::text),
        ('host', nullif(trim(split_part(current_setting('unix_socket_directories'), ',', 1)), ''))
    ) AS c (k, v)
    WHERE v IS NOT NULL;
    RETURN QUERY EXECUTE format(
        'SELECT t.j::jsonb FROM %I.dblink($1, $2) AS t (j text)', v_dblink
    ) USING v_conn, format('SELECT to_jsonb(q)::text FROM (%s) AS q', p_sql);
END
$$;

COMMENT ON FUNCTION @extschema@._cron_query(text) IS
'wedopt (internal): run one of wedopt''s own statements against pg_cron''s tables and functions, '
'each row as jsonb: directly when this is cron.database_name, else through dblink to it';
