CREATE OR REPLACE FUNCTION @extschema@._granted_to_untrusted(
    p_acl aclitem[], p_owner oid, p_kind text, p_privileges text[]
)
RETURNS text[]
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    -- The untrusted roles holding any of p_privileges through p_acl (the default ACL of
    -- p_kind when NULL), directly or through a role they are members of; an owner (or a
    -- member of the owning role) is not counted: it holds its own object.
    SELECT array_agg(DISTINCT u.rolname ORDER BY u.rolname)
    FROM @extschema@._untrusted_roles() AS u
    WHERE
        (u.oid = 0 OR NOT pg_has_role(u.oid, p_owner, 'USAGE'))
        AND EXISTS (
            SELECT FROM aclexplode(coalesce(p_acl, acldefault(p_kind::"char", p_owner))) AS x
            WHERE
                x.privilege_type = ANY (p_privileges)
                AND (x.grantee = 0 OR (u.oid <> 0 AND pg_has_role(u.oid, x.grantee, 'USAGE')))
                AND (u.oid <> 0 OR x.grantee = 0)
        );
$$;

COMMENT ON FUNCTION @extschema@._granted_to_untrusted(aclitem[], oid, text, text[]) IS
'wedopt: which untrusted roles (observe.untrusted_roles) an ACL gives one of the privileges, '
'directly, through PUBLIC or through role membership; NULL when none';

GRANT EXECUTE ON FUNCTION @extschema@._granted_to_untrusted(aclitem[], oid, text, text[]) TO wedopt_monitor;
