CREATE OR REPLACE FUNCTION @extschema@._explain_check(p_query text)
RETURNS TABLE (statement text, command text, kind text, param_count integer)
LANGUAGE plpython3u
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $python$
if GD.get("wedopt.version") != "@VERSION@":
    plpy.execute("SELECT @extschema@._load_python()")
from wedopt.diagnose import explain
return explain.check_statement_in_server(plpy, p_query)
$python$;

COMMENT ON FUNCTION @extschema@._explain_check(text) IS
'wedopt (internal): split a query text with wedopt''s PostgreSQL-rules lexer; the one statement, '
'its command, kind (query / dml) and number of $n parameters, or an error';

GRANT EXECUTE ON FUNCTION @extschema@._explain_check(text) TO wedopt_monitor;
