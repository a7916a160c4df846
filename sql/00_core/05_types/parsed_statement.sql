-- One statement of a SQL text as PostgreSQL's parser sees it: the row of _parse_statements()
-- (C) and of _parse_statements_checked(), written once for both.
CREATE TYPE @extschema@.parsed_statement AS (
    stmt_no integer,
    node_type text,
    command_tag text,
    location integer,
    length integer,
    statement text,
    param_count integer,
    relations text [],
    concurrent boolean,
    options text [],
    inner_node_type text
);

COMMENT ON TYPE @extschema@.parsed_statement IS
'wedopt: one statement of a SQL text as PostgreSQL''s own parser sees it (see _parse_statements())';

REVOKE ALL ON TYPE @extschema@.parsed_statement FROM public;
GRANT USAGE ON TYPE @extschema@.parsed_statement TO wedopt_monitor;
