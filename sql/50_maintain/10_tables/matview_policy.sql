-- Materialized views refreshed by policy (doc/maintain.md "Materialized views"): one row per
-- registered view, with the state of its last refresh. Registered with register_matview().
CREATE TABLE @extschema@.matview_policy (
    matview_schema name NOT NULL,
    matview_name name NOT NULL,
    policy text NOT NULL CHECK (policy IN ('interval', 'staleness', 'source_changed')),
    refresh_interval interval CHECK (refresh_interval > interval '0'),
    staleness_limit interval CHECK (staleness_limit >= interval '0'),
    builtin boolean NOT NULL DEFAULT FALSE,
    registered_at timestamptz NOT NULL DEFAULT now(),
    last_refresh_start timestamptz,
    last_refresh_end timestamptz,
    last_duration interval,
    last_mode text CHECK (last_mode IN ('concurrently', 'plain')),
    last_status text CHECK (last_status IN ('succeeded', 'failed')),
    last_error text,
    -- Sum of the write counters (pg_stat_user_tables) of its source tables when the last
    -- successful refresh started: sources changed since then when the sum differs.
    source_writes bigint,
    refreshes bigint NOT NULL DEFAULT 0,
    failures bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (matview_schema, matview_name),
    CHECK (policy <> 'interval' OR refresh_interval IS NOT NULL),
    CHECK (policy <> 'staleness' OR staleness_limit IS NOT NULL)
);

COMMENT ON TABLE @extschema@.matview_policy IS
'wedopt: materialized views refreshed by refresh_matviews() by policy (interval, staleness '
'limit, or when their source tables changed), and their last refresh; see matview_status()';

-- The user's registrations are dumped; wedopt's own (builtin) come with the extension.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.matview_policy', 'WHERE NOT builtin');

GRANT SELECT ON @extschema@.matview_policy TO wedopt_monitor;
GRANT INSERT, UPDATE, DELETE ON @extschema@.matview_policy TO wedopt_admin;
