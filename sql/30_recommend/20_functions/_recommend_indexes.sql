-- Runs the caller's SQL (EXPLAIN only, through execute_explain_query): SECURITY INVOKER,
-- search_path NOT pinned (the caller's table names must resolve); every reference of its own
-- is qualified (see doc/security.md).
CREATE OR REPLACE FUNCTION @extschema@._recommend_indexes(
    p_queries text[],
    p_max_indexes integer,
    p_storage_budget_bytes bigint,
    p_single boolean
)
RETURNS SETOF @extschema@.index_recommendation
LANGUAGE plpython3u
VOLATILE
SECURITY INVOKER
AS $python$
@PYTHON_BOOTSTRAP@
from wedopt.recommend import engine
return engine.recommend(plpy, "@extschema@", p_queries, p_max_indexes, p_storage_budget_bytes, p_single)
$python$;

COMMENT ON FUNCTION @extschema@._recommend_indexes(text[], integer, bigint, boolean) IS
'wedopt (internal): Runs the caller''s SQL (plans only, never executes it). '
'the PL/Python body of wedopt.recommend_indexes() and '
'wedopt.recommend_indexes_for_workload(): candidates from the plans, what-if costing with hypopg '
'(its own hypothetical indexes only, all dropped on return or error), greedy selection under the budgets';

GRANT EXECUTE ON FUNCTION @extschema@._recommend_indexes(text[], integer, bigint, boolean) TO wedopt_monitor;
