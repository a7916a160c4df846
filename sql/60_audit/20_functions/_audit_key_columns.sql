CREATE OR REPLACE FUNCTION @extschema@._audit_key_columns(p_target regclass)
RETURNS text[]
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    -- The primary key's key columns, in key order: not its INCLUDE columns (indnkeyatts), and
    -- a DEFERRABLE key counts too. The C trigger reads the key the same way, every statement.
    SELECT pg_catalog.array_agg(a.attname::text ORDER BY k.ord)
    FROM pg_catalog.pg_index AS i
    CROSS JOIN LATERAL pg_catalog.unnest(i.indkey::int2[]) WITH ORDINALITY AS k (attnum, ord)
    JOIN pg_catalog.pg_attribute AS a
        ON a.attrelid OPERATOR(pg_catalog.=) i.indrelid AND a.attnum OPERATOR(pg_catalog.=) k.attnum
    WHERE
        i.indrelid OPERATOR(pg_catalog.=) p_target AND i.indisprimary
        AND k.ord OPERATOR(pg_catalog.<=) i.indnkeyatts
$$;

COMMENT ON FUNCTION @extschema@._audit_key_columns(regclass) IS
'wedopt (internal): the key columns of a table''s primary key, in key order (INCLUDE columns '
'left out, deferrable keys counted); NULL when it has none';

GRANT EXECUTE ON FUNCTION @extschema@._audit_key_columns(regclass) TO wedopt_admin;
