-- The index advisor's shortened form of a statement (whitespace collapsed, at most 200
-- characters), as statements_helped shows it.
CREATE OR REPLACE FUNCTION @extschema@._auto_tune_short(p_text text)
RETURNS text
LANGUAGE sql
IMMUTABLE
STRICT
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN pg_catalog.length(s) <= 200 THEN s ELSE pg_catalog.left(s, 197) || '...' END
    FROM (SELECT pg_catalog.regexp_replace(pg_catalog.btrim(p_text, E' \t\n\r\f\v'), E'[ \t\n\r\f\v]+', ' ', 'g') AS s) AS x;
$$;

COMMENT ON FUNCTION @extschema@._auto_tune_short(text) IS
'wedopt (internal): a statement shortened as the index advisor''s statements_helped shows it';

GRANT EXECUTE ON FUNCTION @extschema@._auto_tune_short(text) TO wedopt_admin;
