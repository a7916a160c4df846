CREATE OR REPLACE FUNCTION @extschema@._grantee_list(p_roles text[])
RETURNS text
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    -- Roles as a GRANT / REVOKE names them: PUBLIC is the keyword, every other name quoted.
    SELECT array_to_string(
        ARRAY(SELECT CASE WHEN r = 'PUBLIC' THEN r ELSE quote_ident(r) END FROM unnest(p_roles) AS r), ', '
    );
$$;

COMMENT ON FUNCTION @extschema@._grantee_list(text[]) IS
'wedopt (internal): role names (PUBLIC, or names as _granted_to_untrusted() gives them) as the '
'grantee list of a REVOKE, for the remediations of the security lints';

GRANT EXECUTE ON FUNCTION @extschema@._grantee_list(text[]) TO wedopt_monitor;
