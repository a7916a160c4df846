CREATE OR REPLACE FUNCTION @extschema@._audit_free_name(p_name text)
RETURNS text
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    -- p_name, or p_name_2, p_name_3 ...: the first no relation in wedopt's schema bears (a
    -- partition detached from the log keeps its name).
    SELECT n.name
    FROM pg_catalog.generate_series(1, 1000) AS g (i)
    CROSS JOIN LATERAL (
        SELECT CASE WHEN g.i OPERATOR(pg_catalog.=) 1 THEN p_name ELSE p_name OPERATOR(pg_catalog.||) '_' OPERATOR(pg_catalog.||) g.i::text END
    ) AS n (name)
    WHERE pg_catalog.to_regclass(pg_catalog.format('@extschema@.%I', n.name)) IS NULL
    ORDER BY g.i
    LIMIT 1
$$;

COMMENT ON FUNCTION @extschema@._audit_free_name(text) IS
'wedopt (internal): a relation name in wedopt''s schema no relation bears yet: p_name, else p_name_2, ...';

GRANT EXECUTE ON FUNCTION @extschema@._audit_free_name(text) TO wedopt_admin;
