CREATE OR REPLACE FUNCTION @extschema@._untrusted_roles()
RETURNS TABLE (oid oid, rolname text)
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    -- Setting observe.untrusted_roles: PUBLIC (oid 0), LOGIN, or role names. Superusers are
    -- never untrusted: nothing can be withheld from them.
    WITH setting AS (
        SELECT @extschema@.get_setting('observe.untrusted_roles')::text [] AS list
    )

    SELECT 0::oid, 'PUBLIC'
    FROM setting AS s
    WHERE 'PUBLIC' = ANY (s.list)
    UNION
    SELECT r.oid, r.rolname::text
    FROM pg_roles AS r
    CROSS JOIN setting AS s
    WHERE
        NOT r.rolsuper
        AND (
            r.rolname::text = ANY (s.list)
            OR (
                'LOGIN' = ANY (s.list) AND r.rolcanlogin
                AND NOT pg_has_role(r.oid, 'wedopt_admin', 'MEMBER')
                AND NOT pg_has_role(r.oid, 'wedopt_monitor', 'MEMBER')
            )
        );
$$;

COMMENT ON FUNCTION @extschema@._untrusted_roles() IS
'wedopt: the roles the security lints of check_health() treat as untrusted (setting '
'observe.untrusted_roles; oid 0 is PUBLIC)';

GRANT EXECUTE ON FUNCTION @extschema@._untrusted_roles() TO wedopt_monitor;
