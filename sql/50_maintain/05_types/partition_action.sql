-- One row of run_maintenance() and create_partition_set() (which returns what the first run
-- did), so the row is written once.
CREATE TYPE @extschema@.partition_action AS (
    parent regclass,
    action text,
    partition_name text,
    range_from timestamptz,
    range_to timestamptz,
    row_count bigint
);

COMMENT ON TYPE @extschema@.partition_action IS
'wedopt: one action of partition maintenance: the set (parent), the action (created, dropped, detached, '
'skipped, capped, default rows, error; would create/detach/drop in a dry run), the partition or the '
'message, its range, and the rows moved or counted';

REVOKE ALL ON TYPE @extschema@.partition_action FROM public;
GRANT USAGE ON TYPE @extschema@.partition_action TO wedopt_admin;
