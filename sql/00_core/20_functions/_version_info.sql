CREATE OR REPLACE FUNCTION @extschema@._version_info()
RETURNS TABLE (component text, version text, detail text)
LANGUAGE plpython3u
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $python$
@PYTHON_BOOTSTRAP@
from wedopt import core
return core.version_info(plpy)
$python$;

COMMENT ON FUNCTION @extschema@._version_info() IS
'wedopt (internal): the PL/Python body of wedopt.version_info()';

GRANT EXECUTE ON FUNCTION @extschema@._version_info() TO wedopt_monitor;
