-- Settings of the scheduling (doc/maintain.md "Scheduling").
SELECT @extschema@._define_setting(
    'schedule.stuck_after', 'schedule', 'interval', '2 hours', '1 hour', '30 minutes',
    'job_status(): a run of a wedopt job still running after this long is reported stuck', NULL
);
