-- wedopt's own materialized views and their policy: refreshed once a day, or sooner after
-- new snapshots when a day's rollup is more than 6 hours behind (staleness limit).
INSERT INTO @extschema@.matview_policy (matview_schema, matview_name, policy, staleness_limit, builtin)
VALUES
('@extschema@', 'database_stats_daily', 'staleness', interval '6 hours', TRUE),
('@extschema@', 'table_stats_daily', 'staleness', interval '6 hours', TRUE)
ON CONFLICT (matview_schema, matview_name) DO UPDATE SET builtin = TRUE;
