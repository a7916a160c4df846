-- One row of recommend_index_drops() and of its PL/Python body.
CREATE TYPE @extschema@.index_drop AS (
    statement text,
    index_name text,
    table_name text,
    reason text,
    bytes_saved bigint,
    made_redundant_by text,
    statements_checked integer,
    statements_slower jsonb,
    safe boolean,
    rationale text
);

COMMENT ON TYPE @extschema@.index_drop IS
'wedopt: one index recommend_index_drops() proposes to drop: the DROP INDEX statement, index, table, '
'reason (duplicate, prefix-redundant, unused), bytes saved, the index that makes it redundant, how '
'many workload statements were checked, those that would get slower, whether the drop is safe, '
'a rationale';

REVOKE ALL ON TYPE @extschema@.index_drop FROM public;
GRANT USAGE ON TYPE @extschema@.index_drop TO wedopt_monitor;
