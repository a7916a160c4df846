CREATE OR REPLACE FUNCTION @extschema@._user_schemas()
RETURNS TABLE (oid oid, nspname text)
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT n.oid, n.nspname::text
    FROM pg_namespace AS n
    WHERE
        n.nspname NOT IN ('pg_catalog', 'information_schema', '@extschema@')
        AND n.nspname NOT LIKE 'pg\_toast%'
        AND n.nspname NOT LIKE 'pg\_temp%';
$$;

COMMENT ON FUNCTION @extschema@._user_schemas() IS
'wedopt: the schemas the health lints look at: the user''s, not the system''s, not wedopt''s own';

GRANT EXECUTE ON FUNCTION @extschema@._user_schemas() TO wedopt_monitor;
