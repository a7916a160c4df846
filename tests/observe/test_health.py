"""check_health(): each lint is provoked on the real server, seen, fixed, and gone."""

import pytest
from expect import clean_error, sql_error
from observe_helpers import Background, findings, flush_stats, pid_of, wait_until


def set_(db, name, value):
    db.execute("SELECT wedopt.set_setting(%s, %s)", [name, value])


def test_unindexed_foreign_key(db):
    db.execute("CREATE TABLE public.venue (id int PRIMARY KEY)")
    db.execute("CREATE TABLE public.booking (id int PRIMARY KEY, venue_id int REFERENCES public.venue)")
    found = findings(db, "unindexed_foreign_key")
    (obj,) = found
    assert obj == "public.booking.booking_venue_id_fkey"
    level, category, _, remediation, meta = found[obj]
    assert (level, category) == ("WARN", "PERFORMANCE")
    assert remediation == "CREATE INDEX CONCURRENTLY ON public.booking (venue_id);"
    assert meta["references"] == "public.venue"
    # An index whose leading column is venue_id covers it; one where it comes second does not.
    db.execute("CREATE INDEX ON public.booking (id, venue_id)")
    assert findings(db, "unindexed_foreign_key")
    db.execute("CREATE INDEX ON public.booking (venue_id, id)")
    assert findings(db, "unindexed_foreign_key") == {}


def test_unused_index_appears_and_goes_once_used(db):
    set_(db, "observe.unused_index_min_bytes", "0")
    db.execute("CREATE TABLE public.guest (id int PRIMARY KEY, email text)")
    db.execute("INSERT INTO public.guest SELECT g, 'g' || g FROM generate_series(1, 1000) g")
    db.execute("CREATE INDEX guest_email ON public.guest (email)")
    flush_stats(db)
    found = findings(db, "unused_index")
    assert list(found) == ["public.guest_email"]  # the primary key is never reported
    assert found["public.guest_email"][3] == "DROP INDEX CONCURRENTLY public.guest_email;"
    db.execute("SET enable_seqscan = off")
    db.execute("SELECT * FROM public.guest WHERE email = 'g7'").fetchall()
    flush_stats(db)
    assert findings(db, "unused_index") == {}


def test_unused_index_size_floor_follows_aggressiveness(db):
    db.execute("CREATE TABLE public.guest (id int PRIMARY KEY, email text)")
    db.execute("CREATE INDEX guest_email ON public.guest (email)")
    assert findings(db, "unused_index") == {}  # 8 kB is under the 1 MB floor of 'moderate'
    set_(db, "aggressiveness", "aggressive")  # floor 64 kB
    db.execute("INSERT INTO public.guest SELECT g, md5(g::text) FROM generate_series(1, 5000) g")
    assert list(findings(db, "unused_index")) == ["public.guest_email"]


def test_duplicate_and_redundant_indexes(db):
    db.execute("CREATE TABLE public.event (id int PRIMARY KEY, wedding_id int, starts date)")
    db.execute("CREATE INDEX event_w1 ON public.event (wedding_id)")
    db.execute("CREATE INDEX event_w2 ON public.event (wedding_id)")
    db.execute("CREATE INDEX event_ws ON public.event (wedding_id, starts)")
    dup = findings(db, "duplicate_index")
    assert list(dup) == ["public.event_w2"] and dup["public.event_w2"][4]["kept"] == "public.event_w1"
    assert set(findings(db, "redundant_index")) == {"public.event_w1", "public.event_w2"}
    db.execute("DROP INDEX public.event_w2")
    assert findings(db, "duplicate_index") == {}
    assert set(findings(db, "redundant_index")) == {"public.event_w1"}
    db.execute("DROP INDEX public.event_w1")
    assert findings(db, "redundant_index") == {}
    # A unique index duplicating the primary key: the primary key is kept.
    db.execute("CREATE UNIQUE INDEX event_id_again ON public.event (id)")
    assert list(findings(db, "duplicate_index")) == ["public.event_id_again"]


def test_invalid_index_and_invalid_constraint(db):
    db.execute("CREATE TABLE public.payment (id int, amount numeric)")
    db.execute("INSERT INTO public.payment VALUES (1, 10), (1, -5)")
    with pytest.raises(Exception, match="could not create unique index"):
        db.execute("CREATE UNIQUE INDEX CONCURRENTLY payment_id ON public.payment (id)")
    found = findings(db, "invalid_index")
    assert found["public.payment_id"][0] == "ERROR"
    db.execute("DROP INDEX public.payment_id")
    assert findings(db, "invalid_index") == {}

    db.execute("ALTER TABLE public.payment ADD CONSTRAINT positive CHECK (amount > 0) NOT VALID")
    found = findings(db, "invalid_constraint")
    assert found["public.payment.positive"][3] == "ALTER TABLE public.payment VALIDATE CONSTRAINT positive;"
    db.execute("DELETE FROM public.payment WHERE amount < 0")
    db.execute(found["public.payment.positive"][3])
    assert findings(db, "invalid_constraint") == {}


def test_table_without_primary_key(db):
    db.execute("CREATE TABLE public.budget (wedding_id int, category text)")
    db.execute("CREATE TABLE public.log (ts timestamptz) PARTITION BY RANGE (ts)")
    db.execute(
        "CREATE TABLE public.log_2026 PARTITION OF public.log"
        " FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"
    )
    assert set(findings(db, "table_without_primary_key")) == {"public.budget", "public.log"}
    db.execute("ALTER TABLE public.budget ADD PRIMARY KEY (wedding_id, category)")
    assert set(findings(db, "table_without_primary_key")) == {"public.log"}


def test_dead_tuples_after_big_delete_then_vacuum(db):
    db.execute("CREATE TABLE public.rsvp (id int) WITH (autovacuum_enabled = off)")
    db.execute("INSERT INTO public.rsvp SELECT generate_series(1, 5000)")
    db.execute("DELETE FROM public.rsvp WHERE id > 500")
    flush_stats(db)
    found = findings(db, "dead_tuples")
    level, category, detail, remediation, meta = found["public.rsvp"]
    assert (level, category) == ("WARN", "MAINTENANCE")
    assert meta["dead_tuples"] == 4500 and meta["autovacuum_enabled"] is False
    assert "autovacuum is disabled" in detail
    db.execute(remediation)
    flush_stats(db)
    assert findings(db, "dead_tuples") == {}


def test_table_and_index_bloat(db):
    set_(db, "observe.bloat_min_bytes", "0")
    db.execute("CREATE TABLE public.expense (id int PRIMARY KEY, note text) WITH (autovacuum_enabled = off)")
    db.execute("INSERT INTO public.expense SELECT g, md5(g::text) FROM generate_series(1, 20000) g")
    db.execute("ANALYZE public.expense")
    assert findings(db, "table_bloat") == {}
    db.execute("DELETE FROM public.expense WHERE id % 10 <> 0")
    db.execute("VACUUM public.expense")
    db.execute("ANALYZE public.expense")
    assert "public.expense" in findings(db, "table_bloat")
    assert "public.expense_pkey" in findings(db, "index_bloat")
    db.execute("VACUUM FULL public.expense")
    db.execute("ANALYZE public.expense")
    assert findings(db, "table_bloat") == {} and findings(db, "index_bloat") == {}


def test_wraparound_thresholds(db):
    assert findings(db, "wraparound_risk") == {}
    set_(db, "observe.wraparound_warn_age", "1")
    found = findings(db, "wraparound_risk")
    assert db.info.dbname in found and found[db.info.dbname][0] == "WARN"
    set_(db, "observe.wraparound_error_age", "1")
    assert findings(db, "wraparound_risk")[db.info.dbname][0] == "ERROR"
    db.execute("SELECT wedopt.reset_setting('observe.wraparound_warn_age')")
    db.execute("SELECT wedopt.reset_setting('observe.wraparound_error_age')")
    assert findings(db, "wraparound_risk") == {}


def test_sequence_at_95_percent_then_column_widened(db):
    db.execute("CREATE SEQUENCE public.booking_no AS bigint")
    db.execute("CREATE TABLE public.booking (no int DEFAULT nextval('public.booking_no') PRIMARY KEY)")
    db.execute("SELECT setval('public.booking_no', 2040109465)")
    found = findings(db, "sequence_near_exhaustion")
    level, category, detail, remediation, _ = found["public.booking.no"]
    assert (level, category) == ("ERROR", "INTEGRITY")  # 95 % is the moderate ERROR line
    assert "integer column" in detail
    assert remediation == "ALTER TABLE public.booking ALTER COLUMN no TYPE bigint;"
    db.execute(remediation)
    assert findings(db, "sequence_near_exhaustion") == {}


def test_missing_index_on_big_table_read_by_seq_scans(db):
    set_(db, "observe.seq_scan_min_rows", "1000")
    db.execute("CREATE TABLE public.vendor (id int, category text)")
    db.execute("INSERT INTO public.vendor SELECT g, 'floral' FROM generate_series(1, 5000) g")
    db.execute("ANALYZE public.vendor")
    for _ in range(3):
        db.execute("SELECT * FROM public.vendor WHERE id = 42").fetchall()
    flush_stats(db)
    assert "public.vendor" in findings(db, "missing_index")
    db.execute("CREATE INDEX ON public.vendor (id)")
    for _ in range(4):
        db.execute("SELECT * FROM public.vendor WHERE id = 42").fetchall()
    flush_stats(db)
    assert findings(db, "missing_index") == {}


def test_low_cache_hit_ratio(db):
    # Reads that miss the cache, made on purpose: a temp table five times this session's local
    # buffers is written and read back, so its blocks come from disk (blks_read counts them).
    db.execute("SET temp_buffers = '800kB'")
    db.execute("CREATE TEMP TABLE t AS SELECT i, repeat('x', 200) AS pad FROM generate_series(1, 16000) AS i")
    db.execute("SELECT pg_stat_reset()")
    db.execute("SELECT count(*) FROM t").fetchone()
    flush_stats(db)
    hit, read, ratio = db.execute(
        "SELECT blocks_hit, blocks_read, hit_ratio FROM wedopt.get_cache_hit_ratio() WHERE scope = 'database'"
    ).fetchone()
    assert read >= 400 and ratio < 100, (hit, read, ratio)
    set_(db, "observe.cache_hit_ratio_min", "100")  # any block read from disk is below it
    set_(db, "observe.cache_min_blocks", "2000000000")  # too few blocks to judge: no finding
    assert findings(db, "low_cache_hit_ratio") == {}
    set_(db, "observe.cache_min_blocks", str(hit + read))
    found = findings(db, "low_cache_hit_ratio")
    assert list(found) == [db.info.dbname]
    assert found[db.info.dbname][4]["blocks_read"] >= read
    set_(db, "observe.cache_hit_ratio_min", "0")  # no ratio is below 0 %
    assert findings(db, "low_cache_hit_ratio") == {}


def test_disabled_triggers(db):
    db.execute("CREATE TABLE public.venue (id int PRIMARY KEY)")
    db.execute("CREATE TABLE public.booking (id int PRIMARY KEY, venue_id int REFERENCES public.venue)")
    db.execute("CREATE INDEX ON public.booking (venue_id)")
    db.execute("CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$")
    db.execute(
        "CREATE TRIGGER booking_touch BEFORE UPDATE ON public.booking"
        " FOR EACH ROW EXECUTE FUNCTION public.touch()"
    )
    db.execute("ALTER TABLE public.booking DISABLE TRIGGER booking_touch")
    found = findings(db, "disabled_trigger")
    assert found == {
        "public.booking.booking_touch": (
            "WARN",
            "INTEGRITY",
            "trigger booking_touch on public.booking is disabled",
            "ALTER TABLE public.booking ENABLE TRIGGER booking_touch;",
            {"table": "public.booking", "function": "public.touch", "internal": False},
        )
    }
    db.execute("ALTER TABLE public.booking ENABLE TRIGGER booking_touch")
    assert findings(db, "disabled_trigger") == {}
    db.execute("ALTER TABLE public.booking DISABLE TRIGGER ALL")  # the foreign key's triggers too
    found = findings(db, "disabled_trigger")
    assert {v[0] for v in found.values()} == {"ERROR", "WARN"} and len(found) == 3
    db.execute("ALTER TABLE public.booking ENABLE TRIGGER ALL")
    assert findings(db, "disabled_trigger") == {}


def test_security_definer_without_search_path(db):
    db.execute("CREATE FUNCTION public.pay() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'")
    found = findings(db, "security_definer_search_path")
    assert found["public.pay()"][3] == "ALTER FUNCTION public.pay() SET search_path = pg_catalog, pg_temp;"
    db.execute(found["public.pay()"][3])
    assert findings(db, "security_definer_search_path") == {}


def test_public_create_on_schema_public(db):
    assert findings(db, "public_create_on_schema") == {}
    db.execute("GRANT CREATE ON SCHEMA public TO PUBLIC")
    found = findings(db, "public_create_on_schema")
    assert found["public"][3] == "REVOKE CREATE ON SCHEMA public FROM PUBLIC;"
    db.execute(found["public"][3])
    assert findings(db, "public_create_on_schema") == {}


def test_rls_off_on_personal_data_with_configurable_list(db):
    db.execute("CREATE TABLE public.guest (id int PRIMARY KEY, email text)")
    db.execute("CREATE TABLE public.vendor (id int PRIMARY KEY)")
    assert list(findings(db, "rls_disabled_personal_data")) == ["public.guest"]
    set_(db, "observe.personal_data_tables", "{public.vendor}")
    assert list(findings(db, "rls_disabled_personal_data")) == ["public.vendor"]
    db.execute("ALTER TABLE public.vendor ENABLE ROW LEVEL SECURITY")
    assert findings(db, "rls_disabled_personal_data") == {}


def test_double_booking_check(db):
    db.execute("CREATE TABLE public.booking (id int PRIMARY KEY, venue_id int, event_date date, status text)")
    db.execute(
        "INSERT INTO public.booking VALUES (1, 7, '2026-06-06', 'Confirmed'),"
        " (2, 7, '2026-06-06', 'Pending'),"
        " (3, 7, '2026-06-13', 'Confirmed'), (4, 7, '2026-06-13', 'Cancelled')"
    )
    name = db.execute(
        "SELECT wedopt.register_integrity_check("
        "'public.booking', 'venue_id', 'event_date', 'status', '{Cancelled}')"
    ).fetchone()[0]
    found = findings(db, "double_booking")
    level, category, detail, _, meta = found[name]
    assert (level, category) == ("ERROR", "INTEGRITY")
    assert meta["pairs"] == 1 and meta["rows"] == 2
    assert meta["worst_pair"] == {"resource": 7, "date": "2026-06-06", "rows": 2}
    db.execute("UPDATE public.booking SET status = 'Cancelled' WHERE id = 2")
    assert findings(db, "double_booking") == {}
    # The check survives pg_dump: it is a configuration table of the extension.
    assert db.execute(
        "SELECT 'wedopt.integrity_check'::regclass = ANY (extconfig)"
        " FROM pg_extension WHERE extname = 'wedopt'"
    ).fetchone()[0]
    db.execute("DROP TABLE public.booking")
    assert name in findings(db, "integrity_check_broken")
    assert db.execute("SELECT wedopt.unregister_integrity_check(%s)", [name]).fetchone()[0] is True
    assert findings(db, "integrity_check_broken") == {}


def test_register_integrity_check_validates(connect):
    db = connect()
    db.execute("CREATE TABLE public.booking (id int, venue_id int, event_date date)")
    clean_error(
        sql_error(db, "SELECT wedopt.register_integrity_check('public.booking', 'venue', 'event_date')"),
        "42703",
    )
    clean_error(
        sql_error(
            db, "SELECT wedopt.register_integrity_check('public.booking', 'venue_id', 'event_date', 'x')"
        ),
        "22023",
    )
    clean_error(sql_error(db, "SELECT wedopt.unregister_integrity_check('nope')"), "42704")
    monitor = connect("wedopt_test_monitor")
    err = sql_error(
        monitor, "SELECT wedopt.register_integrity_check('public.booking', 'venue_id', 'event_date')"
    )
    assert err.diag.sqlstate == "42501"


def test_long_transaction_held_open_in_another_connection(db, connect):
    set_(db, "observe.long_transaction_seconds", "0")
    other = connect()
    other.execute("BEGIN")
    other.execute("SELECT 1")
    key = f"pid {pid_of(other)}"
    found = findings(db, "long_running_transaction")
    assert key in found and found[key][3] == f"SELECT pg_terminate_backend({pid_of(other)});"
    other.execute("COMMIT")
    assert key not in findings(db, "long_running_transaction")


def test_lock_wait_between_two_connections(db, connect):
    set_(db, "observe.lock_wait_seconds", "0")
    db.execute("CREATE TABLE public.wedding (id int PRIMARY KEY)")
    holder, waiter = connect(), connect()
    waiter.execute("SET lock_timeout = '20s'")
    key = f"pid {pid_of(waiter)}"
    holder.execute("BEGIN")
    holder.execute("LOCK TABLE public.wedding")
    job = Background(waiter, "SELECT * FROM public.wedding")
    assert wait_until(lambda: key in findings(db, "lock_wait"))
    found = findings(db, "lock_wait")
    assert found[key][4]["root_blocker_pid"] == pid_of(holder)
    holder.execute("COMMIT")
    job.join()
    assert findings(db, "lock_wait") == {}


def test_inactive_replication_slot(db):
    db.execute("SELECT pg_create_physical_replication_slot('wedopt_health_slot', true)")
    try:
        assert "wedopt_health_slot" in findings(db, "inactive_replication_slot")
    finally:
        db.execute("SELECT pg_drop_replication_slot('wedopt_health_slot')")
    assert "wedopt_health_slot" not in findings(db, "inactive_replication_slot")


def test_a_clean_database_has_no_warnings_and_wedopt_is_not_reported(connect):
    monitor = connect("wedopt_test_monitor")
    rows = monitor.execute("SELECT name, level, object FROM wedopt.check_health()").fetchall()
    assert [r for r in rows if r[1] in ("ERROR", "WARN")] == []
    assert not any(r[2].startswith("wedopt.") for r in rows)


def test_standalone_sequence_past_the_warn_line_is_a_finding_not_a_failure(db):
    # A sequence that feeds no column: check_health() and health_score() used to fail outright
    # with "null values cannot be formatted as an SQL identifier".
    db.execute("CREATE SEQUENCE public.invoice_no AS integer")
    db.execute("SELECT setval('public.invoice_no', 1900000000)")
    found = findings(db, "sequence_near_exhaustion")
    level, category, detail, remediation, meta = found["public.invoice_no"]
    assert (level, category) == ("WARN", "INTEGRITY")  # 88.5 %: over 80, under 95 (moderate)
    assert "of its range" in detail
    assert remediation == "ALTER SEQUENCE public.invoice_no AS bigint;"
    assert meta["fed_column"] is None
    score, breakdown = db.execute("SELECT score, breakdown FROM wedopt.health_score()").fetchone()
    assert breakdown["INTEGRITY"]["findings"]["sequence_near_exhaustion"] == 1
    assert "lint_failed" not in breakdown["MAINTENANCE"]["findings"]
    db.execute(remediation)
    assert findings(db, "sequence_near_exhaustion") == {}


def test_a_failing_lint_is_a_finding_and_the_other_lints_still_run(db):
    # A registered integrity check whose column was dropped since: its lint errors (42703).
    db.execute("CREATE TABLE public.booking (id int, venue_id int, event_date date)")
    db.execute("SELECT wedopt.register_integrity_check('public.booking', 'venue_id', 'event_date')")
    db.execute("ALTER TABLE public.booking DROP COLUMN venue_id")
    rows = db.execute("SELECT name, level, object, detail, metadata FROM wedopt.check_health()").fetchall()
    failed = [r for r in rows if r[0] == "lint_failed"]
    assert len(failed) == 1
    _, level, obj, detail, meta = failed[0]
    assert level == "ERROR" and obj == "wedopt._health_double_booking()"
    assert meta["sqlstate"] == "42703" and "does not exist" in meta["message"]
    assert "42703" in detail
    # The other lints ran: the table still has no primary key.
    assert ("table_without_primary_key", "public.booking") in {(r[0], r[2]) for r in rows}
    db.execute("SELECT score FROM wedopt.health_score()").fetchone()


def test_every_lint_of_the_extension_runs_on_its_own(db):
    # A lint added to the extension is picked up by its name; when it raises, the error is a
    # finding with its SQLSTATE and message. A _health_ function outside the extension is not run.
    db.execute(
        "CREATE FUNCTION wedopt._health_zz_planted() RETURNS SETOF wedopt.health_finding LANGUAGE plpgsql AS"
        " $$BEGIN RAISE EXCEPTION 'planted failure' USING ERRCODE = '22012'; END$$"
    )
    db.execute(
        "CREATE FUNCTION public._health_outsider() RETURNS SETOF wedopt.health_finding LANGUAGE sql AS"
        " $$SELECT 'outsider', 'ERROR', 'SECURITY', 'x', 'x', NULL, NULL::jsonb$$"
    )
    assert findings(db, "lint_failed") == {}  # not a member of the extension yet
    db.execute("ALTER EXTENSION wedopt ADD FUNCTION wedopt._health_zz_planted()")
    try:
        found = findings(db, "lint_failed")
        assert list(found) == ["wedopt._health_zz_planted()"]
        assert found["wedopt._health_zz_planted()"][4]["sqlstate"] == "22012"
        assert found["wedopt._health_zz_planted()"][4]["message"] == "planted failure"
        assert findings(db, "outsider") == {}
        db.execute("CREATE TABLE public.budget (wedding_id int)")
        assert "public.budget" in findings(db, "table_without_primary_key")
    finally:
        db.execute("ALTER EXTENSION wedopt DROP FUNCTION wedopt._health_zz_planted()")
        db.execute("DROP FUNCTION wedopt._health_zz_planted()")


def test_missing_index_not_raised_by_a_load_and_index_builds(db):
    # CREATE INDEX reads the whole table and counts as a sequential scan: a table only loaded
    # and indexed was flagged. The scans of index builds are not what queries did.
    set_(db, "observe.seq_scan_min_rows", "1000")
    db.execute("CREATE TABLE public.guest (id int, wedding_id int, note text)")
    db.execute("INSERT INTO public.guest SELECT g, g % 50, md5(g::text) FROM generate_series(1, 5000) g")
    db.execute("ANALYZE public.guest")
    db.execute("CREATE INDEX guest_id ON public.guest (id)")
    db.execute("CREATE INDEX CONCURRENTLY guest_wedding ON public.guest (wedding_id)")
    flush_stats(db)
    counters = db.execute(
        "SELECT seq_scan, coalesce(idx_scan, 0) FROM pg_stat_all_tables"
        " WHERE relid = 'public.guest'::regclass"
    ).fetchone()
    assert counters[0] >= 3 and counters[1] == 0  # the builds' scans: 1 + 2 (CONCURRENTLY)
    assert findings(db, "missing_index") == {}
    # Real queries reading the whole table (no index on note): now it is a finding.
    for _ in range(3):
        db.execute("SELECT * FROM public.guest WHERE note = 'x'").fetchall()
    flush_stats(db)
    found = findings(db, "missing_index")
    meta = found["public.guest"][4]
    assert meta["seq_scan"] == 3 and meta["maintenance_scans"] == 3 and meta["idx_scan"] == 0
    assert "sequential scans of queries" in found["public.guest"][2]
    db.execute("CREATE INDEX guest_note ON public.guest (note)")
    for _ in range(5):
        db.execute("SELECT * FROM public.guest WHERE note = 'x'").fetchall()
    flush_stats(db)
    assert findings(db, "missing_index") == {}


def test_missing_index_reads_maintenance_as_the_server_parses_it(db):
    # Comments, quoted mixed-case names, VACUUM FULL of two tables, a CHECK added: the server's
    # parser says what each statement is and which tables it reads, whatever the spelling.
    set_(db, "observe.seq_scan_min_rows", "1000")
    for name in ('"Guest List"', "public.rsvp"):
        db.execute(f"CREATE TABLE {name} (id int, note text)")
        db.execute(f"INSERT INTO {name} SELECT g, md5(g::text) FROM generate_series(1, 5000) g")
        db.execute(f"ANALYZE {name}")
    db.execute('CREATE /* built at night */ INDEX gl_id ON -- the guest list\n public."Guest List" (id)')
    db.execute('VACUUM (FULL) "Guest List", public.rsvp')
    db.execute("ALTER TABLE public.rsvp ADD CONSTRAINT rsvp_id CHECK (id > 0)")
    flush_stats(db)
    assert findings(db, "missing_index") == {}
    for _ in range(4):
        db.execute("SELECT * FROM public.\"Guest List\" WHERE note = 'x'").fetchall()
    flush_stats(db)
    meta = findings(db, "missing_index")['public."Guest List"'][4]
    assert meta["seq_scan"] == 4 and meta["maintenance_scans"] >= 1
