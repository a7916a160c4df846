SELECT @extschema@._define_setting(
    'aggressiveness', 'core', 'text', 'moderate', 'moderate', 'moderate',
    'how boldly wedopt acts: picks which default column applies to every other setting',
    NULL, '{conservative,moderate,aggressive}'
);
SELECT @extschema@._define_setting(
    'partition.lock_timeout', 'core', 'interval', '200 milliseconds', '200 milliseconds', '500 milliseconds',
    'lock_timeout of each partition DDL step (create, attach, detach, drop); kept below deadlock_timeout '
    'so that maintenance, not the application, gives way',
    'interval'
);
SELECT @extschema@._define_setting(
    'partition.lock_retries', 'core', 'integer', '5', '5', '5',
    'how many times a partition DDL step that timed out on its locks is tried before it is skipped '
    '(reported, done by the next run)',
    'tries'
);
SELECT @extschema@._define_setting(
    'partition.max_create_per_run', 'core', 'integer', '100', '100', '100',
    'cap on the partitions one maintenance run creates per table (current and future first, then '
    'past ranges that hold rows in the default partition)',
    'partitions'
);
SELECT @extschema@._define_setting(
    'partition.move_batch_blocks', 'core', 'integer', '1000', '1000', '1000',
    'rows moved out of a default partition go in batches of this many of its blocks (one statement each)',
    'blocks'
);
SELECT @extschema@._define_setting(
    'partition.move_max_rows', 'core', 'integer', '10000000', '10000000', '10000000',
    'a range whose rows in the default partition exceed this is not created by maintenance '
    '(reported as skipped): move them with a conversion, see doc/maintain.md',
    'rows'
);
