CREATE OR REPLACE FUNCTION @extschema@._granted_to_untrusted(
    p_acl aclitem[], p_owner oid, p_kind text, p_privileges text[], p_untrusted oid[]
)
RETURNS text[]
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    -- The roles of p_untrusted (oid 0: PUBLIC; see _untrusted_roles()) holding any of
    -- p_privileges through p_acl (the default ACL of p_kind when NULL), directly, through
    -- PUBLIC or through a role they are members of; an owner (or a member of the owning
    -- role) is not counted: it holds its own object.
    SELECT array_agg(DISTINCT CASE WHEN u.oid = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(u.oid)::text END)
    FROM unnest(p_untrusted) AS u (oid)
    WHERE
        (u.oid = 0 OR NOT pg_has_role(u.oid, p_owner, 'USAGE'))
        AND EXISTS (
            SELECT FROM aclexplode(coalesce(p_acl, acldefault(p_kind::"char", p_owner))) AS x
            WHERE
                x.privilege_type = ANY (p_privileges)
                AND (x.grantee = 0 OR (u.oid <> 0 AND pg_has_role(u.oid, x.grantee, 'USAGE')))
        );
$$;

COMMENT ON FUNCTION @extschema@._granted_to_untrusted(aclitem[], oid, text, text[], oid[]) IS
'wedopt: which of the given untrusted roles (oid 0: PUBLIC) an ACL gives one of the privileges, '
'directly, through PUBLIC or through role membership; NULL when none';

GRANT EXECUTE ON FUNCTION @extschema@._granted_to_untrusted(aclitem[], oid, text, text[], oid[]) TO wedopt_monitor;
