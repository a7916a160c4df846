-- CREATE INDEX rebuilt (src/admin_sql.c): the header from validated parts, the column list and the
-- rest from the caller's text cut at the server's token boundaries, then parsed again and compared.
CREATE OR REPLACE FUNCTION @extschema@._rebuild_index_statement(
    p_sql text,
    p_name text,
    p_schema text,
    p_table text,
    p_concurrently boolean,
    p_only boolean
)
RETURNS text
LANGUAGE c
IMMUTABLE
STRICT
AS 'MODULE_PATHNAME', 'wedopt_rebuild_index_statement';

COMMENT ON FUNCTION @extschema@._rebuild_index_statement(text, text, text, text, boolean, boolean) IS
'wedopt (internal): a CREATE INDEX rebuilt with the given name, schema.table, CONCURRENTLY and ONLY, '
'keeping the caller''s columns, INCLUDE, WITH and WHERE (checked equal after a second parse)';

GRANT EXECUTE ON FUNCTION @extschema@._rebuild_index_statement(
    text, text, text, text, boolean, boolean
) TO wedopt_admin;
