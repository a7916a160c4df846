CREATE OR REPLACE FUNCTION @extschema@._health_policy_per_row_call()
RETURNS SETOF @extschema@.health_finding
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    -- current_setting() and auth.*() in a policy are called for every row; wrapped in a
    -- scalar subquery (SELECT ...) they are an InitPlan, evaluated once per statement. A call
    -- right after "( SELECT" (the deparser adds parentheses and casts) counts as wrapped.
    RETURN QUERY
    SELECT
        'policy_per_row_call', 'WARN', 'SECURITY',
        format('%s.%I', p.polrelid::regclass, p.polname),
        format('policy %I on %s calls %s for every row: wrap the call in (SELECT ...) so it runs once',
            p.polname, p.polrelid::regclass, e.calls),
        format('-- in policy %I on %s, write (SELECT current_setting(...)) instead of current_setting(...)',
            p.polname, p.polrelid::regclass),
        jsonb_build_object('table', p.polrelid::regclass::text, 'policy', p.polname::text,
            'using', pg_get_expr(p.polqual, p.polrelid), 'with_check', pg_get_expr(p.polwithcheck, p.polrelid))
    FROM pg_policy AS p
    JOIN pg_class AS t ON p.polrelid = t.oid
    JOIN @extschema@._user_schemas() AS n ON t.relnamespace = n.oid
    CROSS JOIN LATERAL (
        SELECT string_agg(DISTINCT m.call[1], ', ') AS calls
        FROM unnest(ARRAY[pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)]) AS q (expr)
        CROSS JOIN LATERAL regexp_matches(
            regexp_replace(q.expr,
                '\(\s*SELECT[\s(]+((pg_catalog\.)?current_setting|auth\.[[:alnum:]_]+)\s*\(', '(SELECT wrapped(', 'gi'),
            '\m((?:pg_catalog\.)?current_setting|auth\.[[:alnum:]_]+)\s*\(', 'gi'
        ) AS m (call)
    ) AS e
    WHERE e.calls IS NOT NULL;
END
$$;

COMMENT ON FUNCTION @extschema@._health_policy_per_row_call() IS
'wedopt: check_health() lint: policies calling current_setting() or auth.*() once per row';

GRANT EXECUTE ON FUNCTION @extschema@._health_policy_per_row_call() TO wedopt_monitor;
