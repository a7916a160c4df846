-- Plans the caller's SQL (EXPLAIN only): SECURITY INVOKER, search_path NOT pinned (see
-- doc/security.md); every reference of its own is qualified.
CREATE OR REPLACE FUNCTION @extschema@._recommend_index_drops(p_queries text[])
RETURNS SETOF @extschema@.index_drop
LANGUAGE plpython3u
VOLATILE
SECURITY INVOKER
AS $python$
@PYTHON_BOOTSTRAP@
from wedopt.recommend import drops
return drops.recommend_drops(plpy, "@extschema@", p_queries)
$python$;

COMMENT ON FUNCTION @extschema@._recommend_index_drops(text[]) IS
'wedopt (internal): Runs the caller''s SQL (plans only, never executes it). '
'the PL/Python body of wedopt.recommend_index_drops()';

GRANT EXECUTE ON FUNCTION @extschema@._recommend_index_drops(text[]) TO wedopt_monitor;
