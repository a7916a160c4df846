CREATE OR REPLACE FUNCTION @extschema@._analyze_plan(p_plan text)
RETURNS TABLE (
    node_id integer,
    node_type text,
    relation text,
    code text,
    severity integer,
    message text,
    suggestion text,
    evidence jsonb
)
LANGUAGE plpython3u
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $python$
@PYTHON_BOOTSTRAP@
from wedopt.diagnose import plan
return plan.analyze_plan(plpy, p_plan, "@extschema@")
$python$;

COMMENT ON FUNCTION @extschema@._analyze_plan(text) IS
'wedopt (internal): the PL/Python body of wedopt.analyze_plan()';

GRANT EXECUTE ON FUNCTION @extschema@._analyze_plan(text) TO wedopt_monitor;
