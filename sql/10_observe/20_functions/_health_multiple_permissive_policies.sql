CREATE OR REPLACE FUNCTION @extschema@._health_multiple_permissive_policies()
RETURNS SETOF @extschema@.health_finding
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    -- Permissive policies are OR-ed: each is evaluated for every row, and one too wide opens
    -- what the others close.
    RETURN QUERY
    SELECT
        'multiple_permissive_policies', 'WARN', 'SECURITY',
        format('%s (%s, %s)', x.relid::regclass, x.role_name, x.action),
        format('table %s has %s permissive policies for role %s and %s (%s): they are OR-ed, each is '
            'evaluated for every row', x.relid::regclass, count(*), x.role_name, x.action,
            string_agg(quote_ident(x.polname), ', ' ORDER BY x.polname)),
        format('-- merge policies %s of %s into one (USING (a OR b))',
            string_agg(quote_ident(x.polname), ', ' ORDER BY x.polname), x.relid::regclass),
        jsonb_build_object('table', x.relid::regclass::text, 'role', x.role_name, 'action', x.action,
            'policies', jsonb_agg(x.polname::text ORDER BY x.polname))
    FROM (
        SELECT
            p.polrelid AS relid, p.polname,
            CASE WHEN r.role = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r.role)::text END AS role_name,
            a.action
        FROM pg_policy AS p
        JOIN pg_class AS t ON p.polrelid = t.oid
        JOIN @extschema@._user_schemas() AS n ON t.relnamespace = n.oid
        CROSS JOIN LATERAL unnest(p.polroles) AS r (role)
        CROSS JOIN LATERAL unnest(CASE p.polcmd
            WHEN 'r' THEN ARRAY['SELECT'] WHEN 'a' THEN ARRAY['INSERT'] WHEN 'w' THEN ARRAY['UPDATE']
            WHEN 'd' THEN ARRAY['DELETE'] ELSE ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']
        END) AS a (action)
        WHERE p.polpermissive
    ) AS x
    GROUP BY x.relid, x.role_name, x.action
    HAVING count(*) > 1;
END
$$;

COMMENT ON FUNCTION @extschema@._health_multiple_permissive_policies() IS
'wedopt: check_health() lint: several permissive policies for one role and action';

GRANT EXECUTE ON FUNCTION @extschema@._health_multiple_permissive_policies() TO wedopt_monitor;
