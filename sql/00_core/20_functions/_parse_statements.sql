-- What a text of SQL is, decided by PostgreSQL's own parser (src/parse_statements.c): one row
-- per statement the server sees, under the session's settings. It only parses: nothing runs,
-- no catalog is read, so it needs no SECURITY DEFINER and search_path plays no part.
-- STABLE, not IMMUTABLE: standard_conforming_strings and backslash_quote change the answer.
CREATE OR REPLACE FUNCTION @extschema@._parse_statements(sql text)
RETURNS SETOF @extschema@.parsed_statement
LANGUAGE c
STABLE
STRICT
PARALLEL SAFE
ROWS 1
AS 'MODULE_PATHNAME', 'wedopt_parse_statements';

COMMENT ON FUNCTION @extschema@._parse_statements(text) IS
'wedopt (internal): the statements of a SQL text as PostgreSQL''s own parser (raw_parser) sees '
'them under the session''s settings, one row each: number, node type (SelectStmt, IndexStmt...), '
'command tag, location and length (characters, 0-based), the exact statement text, highest $n, '
'target relations, CONCURRENTLY (NULL where it does not apply), options (VACUUM, EXPLAIN, REINDEX, '
'COPY...; if_not_exists, if_exists), node type of the statement inside EXPLAIN / PREPARE / '
'CREATE TABLE AS / VIEW / COPY. A syntax error is the server''s own (42601); nothing is executed';

GRANT EXECUTE ON FUNCTION @extschema@._parse_statements(text) TO wedopt_monitor;
