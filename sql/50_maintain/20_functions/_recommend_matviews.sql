-- Plans statements of pg_stat_statements (EXPLAIN only) and creates each proposed view WITH NO
-- DATA in a subtransaction that is rolled back: SECURITY INVOKER, search_path NOT pinned (the
-- statements' table names resolve as for the caller); every reference of its own is qualified.
CREATE OR REPLACE FUNCTION @extschema@._recommend_matviews(p_min_calls integer, p_limit integer)
RETURNS SETOF @extschema@.matview_recommendation
LANGUAGE plpython3u
VOLATILE
SECURITY INVOKER
AS $python$
@PYTHON_BOOTSTRAP@
from wedopt.maintain import matviews
return matviews.recommend(plpy, "@extschema@", p_min_calls, p_limit)
$python$;

COMMENT ON FUNCTION @extschema@._recommend_matviews(integer, integer) IS
'wedopt (internal): Runs the caller''s SQL (plans only, never executes it): statements of pg_stat_statements. '
'The PL/Python body of wedopt.recommend_matviews(): the aggregate statements of '
'pg_stat_statements read from their generic plans, their source tables'' write counters, the proposed '
'view and unique index checked by creating them WITH NO DATA in a rolled-back subtransaction';

GRANT EXECUTE ON FUNCTION @extschema@._recommend_matviews(integer, integer) TO wedopt_monitor;
