-- search_path NOT pinned: the caller's table names must resolve (to_regclass) to find their
-- sizes, column types and indexes; every reference of its own is qualified.
CREATE OR REPLACE FUNCTION @extschema@._lint_query(
    p_statement text,
    p_node_type text,
    p_command_tag text,
    p_relations text[],
    p_options text[],
    p_inner_node_type text
)
RETURNS TABLE (code text, severity integer, message text, suggestion text, evidence jsonb)
LANGUAGE plpython3u
STABLE
SECURITY INVOKER
AS $python$
@PYTHON_BOOTSTRAP@
from wedopt.diagnose import querylint
stmt = {
    "statement": p_statement, "node_type": p_node_type, "command_tag": p_command_tag,
    "relations": p_relations, "options": p_options, "inner_node_type": p_inner_node_type,
}
return querylint.lint_query(plpy, stmt, "@extschema@")
$python$;

COMMENT ON FUNCTION @extschema@._lint_query(text, text, text, text[], text[], text) IS
'wedopt (internal): the PL/Python body of wedopt.lint_query(), given the one statement and the facts '
'PostgreSQL''s parser found (wedopt._parse_statements). Runs the caller''s SQL text through a reader '
'only (never executes it); names resolve on the caller''s search_path';

GRANT EXECUTE ON FUNCTION @extschema@._lint_query(text, text, text, text[], text[], text) TO wedopt_monitor;
