CREATE OR REPLACE FUNCTION @extschema@._health_write_policy_always_true()
RETURNS SETOF @extschema@.health_finding
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT
        'write_policy_always_true', 'WARN', 'SECURITY',
        format('%s.%I', p.polrelid::regclass, p.polname),
        format('policy %I on %s lets %s %s every row (%s true): row-level security does not restrict it',
            p.polname, p.polrelid::regclass,
            CASE WHEN 0 = ANY (p.polroles) THEN 'every role'
                ELSE 'roles ' || array_to_string(ARRAY(SELECT pg_get_userbyid(r) FROM unnest(p.polroles) AS r), ', ')
            END,
            CASE p.polcmd WHEN 'a' THEN 'insert' WHEN 'w' THEN 'update' WHEN 'd' THEN 'delete' ELSE 'write' END,
            CASE WHEN pg_get_expr(p.polqual, p.polrelid) = 'true' THEN 'USING' ELSE 'WITH CHECK' END),
        format('ALTER POLICY %I ON %s USING (<condition>) WITH CHECK (<condition>);', p.polname,
            p.polrelid::regclass),
        jsonb_build_object('table', p.polrelid::regclass::text, 'policy', p.polname::text,
            'command', p.polcmd::text, 'using', pg_get_expr(p.polqual, p.polrelid),
            'with_check', pg_get_expr(p.polwithcheck, p.polrelid))
    FROM pg_policy AS p
    JOIN pg_class AS t ON p.polrelid = t.oid
    JOIN @extschema@._user_schemas() AS n ON t.relnamespace = n.oid
    WHERE
        p.polpermissive AND p.polcmd IN ('*', 'a', 'w', 'd')
        AND (pg_get_expr(p.polqual, p.polrelid) = 'true' OR pg_get_expr(p.polwithcheck, p.polrelid) = 'true');
END
$$;

COMMENT ON FUNCTION @extschema@._health_write_policy_always_true() IS
'wedopt: check_health() lint: permissive write policies whose condition is just true';

GRANT EXECUTE ON FUNCTION @extschema@._health_write_policy_always_true() TO wedopt_monitor;
