-- The full texts of the statements one recommendation helps: statement_no points into the array
-- given to the advisor; with NULL queries the advisor read pg_stat_statements itself, so its
-- (shortened) text is matched against the workload the cycle collected.
CREATE OR REPLACE FUNCTION @extschema@._auto_tune_helped(p_helped jsonb, p_queries text[], p_workload text[])
RETURNS text[]
LANGUAGE sql
IMMUTABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(pg_catalog.array_agg(DISTINCT t.text), '{}')
    FROM pg_catalog.jsonb_array_elements(coalesce(p_helped, '[]')) AS h,
        LATERAL (
            SELECT p_queries[(h->>'statement_no')::integer] AS text WHERE p_queries IS NOT NULL
            UNION ALL
            SELECT w.w FROM pg_catalog.unnest(p_workload) AS w(w)
            WHERE p_queries IS NULL AND @extschema@._auto_tune_short(w.w) = h->>'statement'
        ) AS t
    WHERE t.text IS NOT NULL;
$$;

COMMENT ON FUNCTION @extschema@._auto_tune_helped(jsonb, text[], text[]) IS
'wedopt (internal): the full texts of the statements a recommendation''s statements_helped names';

GRANT EXECUTE ON FUNCTION @extschema@._auto_tune_helped(jsonb, text[], text[]) TO wedopt_admin;
