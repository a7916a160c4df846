-- What an admin statement touches, resolved by the server (src/admin_sql.c) under the given
-- search_path: relation OIDs in _parse_statements() order (0: does not resolve), the functions its
-- index / statistics expressions call after parse analysis, whether they hold a subquery, and for
-- ALTER TABLE the SET / RESET clause rebuilt from its storage parameters.
CREATE OR REPLACE FUNCTION @extschema@._resolve_admin_statement(
    p_sql text,
    p_search_path text,
    OUT relids oid[],
    OUT function_oids oid[],
    OUT has_subquery boolean,
    OUT rebuilt_clause text
)
RETURNS record
LANGUAGE c
VOLATILE
STRICT
AS 'MODULE_PATHNAME', 'wedopt_resolve_admin_statement';

COMMENT ON FUNCTION @extschema@._resolve_admin_statement(text, text) IS
'wedopt (internal): the relations (OIDs) an admin statement names and the functions (OIDs) its '
'index or statistics expressions call, resolved by the server under the given search_path; for '
'ALTER TABLE the SET/RESET clause rebuilt from allowed storage parameters';

GRANT EXECUTE ON FUNCTION @extschema@._resolve_admin_statement(text, text) TO wedopt_admin;
