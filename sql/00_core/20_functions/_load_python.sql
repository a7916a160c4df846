-- The PL/Python bootstrap. Every PL/Python body of wedopt starts with the line
-- @PYTHON_BOOTSTRAP@, which the build (Makefile, SUBST) expands to a call of this function
-- unless this session already loaded the package of this very version, so the package is
-- imported once per session, from the directory of this version.
CREATE OR REPLACE FUNCTION @extschema@._load_python()
RETURNS text
LANGUAGE plpython3u
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $python$
import sys

expected = "@VERSION@"
package_dir = "@PYTHON_DIR@"
if package_dir not in sys.path:
    sys.path.insert(0, package_dir)
try:
    import wedopt
    import wedopt.core
except ImportError as exc:
    plpy.error(
        f"wedopt: cannot import wedopt's Python package from {package_dir}: {exc}",
        hint="Run `make install` in the wedopt source tree (or `pgxn install wedopt`) "
             "on the database server, then reconnect.",
        sqlstate="58P01",
    )
problem = wedopt.core.check_loaded_version(expected, GD.get("wedopt.version"), wedopt.__version__)
if problem is not None:
    sqlstate, message, hint = problem
    plpy.error(message, hint=hint, sqlstate=sqlstate)
GD["wedopt.version"] = expected
return expected
$python$;

COMMENT ON FUNCTION @extschema@._load_python() IS
'wedopt (internal): import the Python package of this extension version into the session, '
'refusing a stale package or a session that loaded another version';

GRANT EXECUTE ON FUNCTION @extschema@._load_python() TO wedopt_monitor;
