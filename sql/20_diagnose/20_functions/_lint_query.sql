-- search_path NOT pinned: the caller's table names must resolve (to_regclass) to find their
-- sizes, column types and indexes; every reference of its own is qualified.
CREATE OR REPLACE FUNCTION @extschema@._lint_query(p_query text)
RETURNS TABLE (code text, severity integer, message text, suggestion text, evidence jsonb)
LANGUAGE plpython3u
STABLE
SECURITY INVOKER
AS $python$
if GD.get("wedopt.version") != "@VERSION@":
    plpy.execute("SELECT @extschema@._load_python()")
from wedopt.diagnose import querylint
return querylint.lint_query(plpy, p_query, "@extschema@")
$python$;

COMMENT ON FUNCTION @extschema@._lint_query(text) IS
'wedopt (internal): the PL/Python body of wedopt.lint_query(). Runs the caller''s SQL text through a '
'parser only (never executes it); names resolve on the caller''s search_path';

GRANT EXECUTE ON FUNCTION @extschema@._lint_query(text) TO wedopt_monitor;
