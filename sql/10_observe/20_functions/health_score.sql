CREATE OR REPLACE FUNCTION @extschema@.health_score()
RETURNS TABLE (score integer, breakdown jsonb)
LANGUAGE sql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    -- Each of the four categories is worth 25 points; each finding costs its category
    -- 10 (ERROR), 3 (WARN) or 1 (INFO) point, down to 0 for the category.
    WITH f AS (SELECT h.* FROM @extschema@.check_health() AS h),

    cat AS (
        SELECT c.category, 25 AS max_points
        FROM unnest(ARRAY['PERFORMANCE', 'MAINTENANCE', 'SECURITY', 'INTEGRITY']) AS c (category)
    ),

    per AS (
        SELECT
            c.category,
            count(f.name) FILTER (WHERE f.level = 'ERROR') AS errors,
            count(f.name) FILTER (WHERE f.level = 'WARN') AS warnings,
            count(f.name) FILTER (WHERE f.level = 'INFO') AS infos,
            greatest(
                c.max_points - coalesce(sum(CASE f.level WHEN 'ERROR' THEN 10 WHEN 'WARN' THEN 3 WHEN 'INFO' THEN 1 END), 0),
                0
            ) AS points
        FROM cat AS c
        LEFT JOIN f ON c.category = f.category
        GROUP BY c.category, c.max_points
    )

    SELECT
        sum(p.points)::integer,
        jsonb_object_agg(p.category, jsonb_build_object(
            'points', p.points, 'of', 25, 'errors', p.errors, 'warnings', p.warnings, 'infos', p.infos,
            'findings', (
                SELECT coalesce(jsonb_object_agg(x.name, x.n), '{}'::jsonb)
                FROM (
                    SELECT f.name, count(*) AS n FROM f WHERE f.category = p.category GROUP BY f.name
                ) AS x
            )
        ))
    FROM per AS p;
$$;

COMMENT ON FUNCTION @extschema@.health_score() IS
'wedopt: a health score from 0 to 100 out of check_health(): 25 points for each category '
'(PERFORMANCE, MAINTENANCE, SECURITY, INTEGRITY), each finding costing its category 10 (ERROR), '
'3 (WARN) or 1 (INFO); breakdown gives per category the points left, the counts by level and '
'the findings by name';

GRANT EXECUTE ON FUNCTION @extschema@.health_score() TO wedopt_monitor;
