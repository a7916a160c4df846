-- The verdict on one index from the figures measured before it existed and once it was valid:
-- keep it when the statements it helps got faster by act.auto_tune_min_gain, and no other
-- measured statement whose plan uses it got slower by more than act.auto_tune_max_regression (and
-- the noise floor).
CREATE OR REPLACE FUNCTION @extschema@._auto_tune_judge(
    p_before jsonb, p_after jsonb, p_helped text[], p_index_name text
)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_min_gain numeric := @extschema@.get_setting('act.auto_tune_min_gain')::numeric;
    v_max_regression numeric := @extschema@.get_setting('act.auto_tune_max_regression')::numeric;
    v_noise numeric := @extschema@.get_setting('act.auto_tune_noise_ms')::numeric;
    v_unit text;
    v_before numeric;
    v_after numeric;
    v_gain numeric;
    v_worst jsonb;
    v_reason text;
BEGIN
    -- Helped statements measured the same way on both sides; executions beat costs.
    WITH pairs AS (
        SELECT p_before->h->>'unit' AS unit, (p_before->h->>'value')::numeric AS b, (p_after->h->>'value')::numeric AS a
        FROM pg_catalog.unnest(p_helped) AS h
        WHERE p_before->h->>'unit' = p_after->h->>'unit' AND p_before->h ? 'value' AND p_after->h ? 'value'
    )
    SELECT p.unit, pg_catalog.sum(p.b), pg_catalog.sum(p.a) INTO v_unit, v_before, v_after
    FROM pairs AS p GROUP BY p.unit ORDER BY p.unit OPERATOR(pg_catalog.=) 'ms' DESC LIMIT 1;
    IF v_unit IS NULL THEN
        RETURN pg_catalog.jsonb_build_object('keep', FALSE,
            'reason', 'none of the statements it helps could be measured on both sides: no measured benefit');
    END IF;
    v_gain := CASE WHEN v_before > 0 THEN pg_catalog.round(100 * (v_before - v_after) / v_before, 1) ELSE 0 END;
    -- The worst slowdown among the other statements on the table whose plan now uses the index
    -- (a plan that does not use it is not slowed by it: a difference there is noise).
    SELECT pg_catalog.jsonb_build_object('statement', pg_catalog.left(s, 200), 'unit', p_before->s->>'unit',
            'before', (p_before->s->>'value')::numeric, 'after', (p_after->s->>'value')::numeric,
            'slower_pct', pg_catalog.round(100 * ((p_after->s->>'value')::numeric - (p_before->s->>'value')::numeric)
                / nullif((p_before->s->>'value')::numeric, 0), 1))
        INTO v_worst
    FROM pg_catalog.jsonb_object_keys(p_after) AS s
    WHERE s <> ALL (p_helped) AND p_before->s->>'unit' = p_after->s->>'unit'
        AND coalesce(p_after->s->'indexes', '[]') ? p_index_name
        AND (p_after->s->>'value')::numeric > (p_before->s->>'value')::numeric * (1 + v_max_regression / 100)
        AND (p_before->s->>'unit' <> 'ms' OR (p_after->s->>'value')::numeric - (p_before->s->>'value')::numeric > v_noise)
    ORDER BY (p_after->s->>'value')::numeric / nullif((p_before->s->>'value')::numeric, 0) DESC NULLS FIRST
    LIMIT 1;
    IF v_gain < v_min_gain THEN
        v_reason := pg_catalog.format('no measured benefit: the statements it helps went from %s to %s %s (%s%%), '
            'less than act.auto_tune_min_gain (%s%%)', v_before, v_after, v_unit, v_gain, v_min_gain);
    ELSIF v_worst IS NOT NULL THEN
        v_reason := pg_catalog.format('another statement got %s%% slower (%s -> %s %s), more than '
            'act.auto_tune_max_regression (%s%%): %s', v_worst->>'slower_pct', v_worst->>'before',
            v_worst->>'after', v_worst->>'unit', v_max_regression, v_worst->>'statement');
    ELSE
        v_reason := pg_catalog.format('the statements it helps went from %s to %s %s (%s%% %s)',
            v_before, v_after, v_unit, v_gain, CASE WHEN v_unit = 'ms' THEN 'faster' ELSE 'cheaper' END);
    END IF;
    RETURN pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
        'keep', v_reason LIKE 'the statements it helps%', 'reason', v_reason, 'unit', v_unit,
        'helped_before', v_before, 'helped_after', v_after, 'gain_pct', v_gain,
        'min_gain_pct', v_min_gain, 'max_regression_pct', v_max_regression, 'regression', v_worst));
END
$$;

COMMENT ON FUNCTION @extschema@._auto_tune_judge(jsonb, jsonb, text[], text) IS
'wedopt (internal): auto_tune()''s verdict on one index from the figures measured before and after '
'(statement -> _auto_tune_measure()): keep when the helped statements gained act.auto_tune_min_gain '
'and no other statement whose plan uses the index regressed beyond act.auto_tune_max_regression; '
'with the reason and figures';

GRANT EXECUTE ON FUNCTION @extschema@._auto_tune_judge(jsonb, jsonb, text[], text) TO wedopt_admin;
