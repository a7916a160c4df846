-- The index a CREATE INDEX step builds (schema of its table, its name), if it exists now.
CREATE OR REPLACE FUNCTION @extschema@._action_index_of_step(p_step text)
RETURNS regclass
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_parsed @extschema@.parsed_statement;
    v_name text;
BEGIN
    SELECT p.* INTO v_parsed FROM @extschema@._parse_statements(p_step) AS p;
    IF v_parsed.node_type IS DISTINCT FROM 'IndexStmt' THEN
        RETURN NULL;
    END IF;
    SELECT pg_catalog.substr(o, 6) INTO v_name FROM pg_catalog.unnest(v_parsed.options) AS o WHERE o LIKE 'name=%';
    -- The relation is written schema-qualified by the rebuild; the index lives in its schema.
    RETURN pg_catalog.to_regclass(
        pg_catalog.format('%s.%s', (pg_catalog.parse_ident(v_parsed.relations[1]))[1]::regnamespace::text, v_name)
    );
END
$$;

COMMENT ON FUNCTION @extschema@._action_index_of_step(text) IS
'wedopt (internal): the index a rebuilt CREATE INDEX step creates, when an index of that name exists';

GRANT EXECUTE ON FUNCTION @extschema@._action_index_of_step(text) TO wedopt_admin;
