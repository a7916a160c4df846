CREATE TABLE @extschema@.alert (
    alert_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule_name text NOT NULL,
    metric text NOT NULL,
    object text NOT NULL,
    status text NOT NULL CHECK (status IN ('pending', 'firing', 'resolved')),
    level text NOT NULL,
    comparison text NOT NULL,
    threshold numeric NOT NULL,
    value numeric,
    first_seen_at timestamptz NOT NULL,
    fired_at timestamptz,
    resolved_at timestamptz,
    last_checked_at timestamptz NOT NULL
);

-- At most one open (pending or firing) alert per rule and object.
CREATE UNIQUE INDEX alert_open ON @extschema@.alert (rule_name, object) WHERE status <> 'resolved';

COMMENT ON TABLE @extschema@.alert IS
'wedopt: alerts recorded by check_alerts(): pending (condition met, duration not yet reached), '
'firing, or resolved (with resolved_at)';

-- The counters behind rate metrics (deadlocks per minute) at the previous check_alerts().
CREATE TABLE @extschema@.alert_counter (
    counter_name text PRIMARY KEY,
    value numeric NOT NULL,
    taken_at timestamptz NOT NULL
);

COMMENT ON TABLE @extschema@.alert_counter IS
'wedopt (internal): counter values at the previous check_alerts(), to turn counters into rates';

GRANT SELECT ON @extschema@.alert TO wedopt_monitor;
GRANT SELECT ON @extschema@.alert_counter TO wedopt_monitor;
GRANT SELECT, INSERT, UPDATE, DELETE ON @extschema@.alert TO wedopt_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON @extschema@.alert_counter TO wedopt_admin;
