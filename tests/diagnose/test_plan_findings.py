# ruff: noqa: E501 -- SQL texts and plan fixtures read better on one line
"""Each finding of wedopt.analyze_plan provoked in a real EXPLAIN ANALYZE plan, and gone after the fix."""

import json

import pytest
from conftest import codes
from expect import clean_error, sql_error


def by_code(rows, code):
    found = [r for r in rows if r["code"] == code]
    assert found, (code, [(r["code"], r["message"]) for r in rows])
    return found[0]


@pytest.fixture
def small_thresholds(db):
    """Thresholds scaled to test-sized tables."""
    for name, value in {
        "diagnose.big_table_rows": "10000",
        "diagnose.removed_rows_min": "50",
        "diagnose.nested_loop_min_loops": "1000",
        "diagnose.repeated_loops": "1000",
        "diagnose.large_offset": "1000",
    }.items():
        db.execute("SELECT wedopt.set_setting(%s, %s)", [name, value])
    db.execute("SET max_parallel_workers_per_gather = 0")
    return db


@pytest.fixture
def booking(small_thresholds):
    db = small_thresholds
    db.execute(
        "CREATE TABLE booking (id int PRIMARY KEY, venue_id int, status text, event_date date, "
        "total numeric, pad text) WITH (autovacuum_enabled = off)"
    )
    db.execute(
        "INSERT INTO booking SELECT i, i % 1000, CASE WHEN i % 500 = 0 THEN 'Cancelled' ELSE 'Confirmed' END, "
        "date '2026-01-01' + i % 365, i, repeat('x', 100) FROM generate_series(1, 50000) i"
    )
    db.execute("VACUUM ANALYZE booking")
    return db


def test_seq_scan_on_big_table_suggests_the_filter_columns_and_the_index_fixes_it(booking, findings):
    query = "SELECT * FROM booking WHERE venue_id = 42 AND event_date >= date '2026-03-01'"
    rows = findings(booking, query)
    f = by_code(rows, "seq_scan_filter")
    assert f["relation"] == "public.booking" and f["node_type"] == "Seq Scan" and f["node_id"] == 0
    assert f["suggestion"] == "CREATE INDEX ON public.booking (venue_id, event_date);"
    assert f["evidence"]["removed_share"] > 0.99
    assert f["evidence"]["rows_removed"] > 49000
    booking.execute(f["suggestion"])
    booking.execute("ANALYZE booking")
    assert "seq_scan_filter" not in codes(findings(booking, query))
    # without ANALYZE the estimate alone says the same
    booking.execute("DROP INDEX booking_venue_id_event_date_idx")
    assert "seq_scan_filter" in codes(findings(booking, query, analyze=False))


def test_small_table_seq_scan_is_no_finding(booking, findings):
    booking.execute("CREATE TABLE venue AS SELECT i AS id, 'v' || i AS name FROM generate_series(1, 500) i")
    booking.execute("ANALYZE venue")
    assert "seq_scan_filter" not in codes(findings(booking, "SELECT * FROM venue WHERE id = 7"))


def test_index_scan_removing_most_rows_suggests_a_better_index(booking, findings):
    booking.execute("CREATE INDEX booking_venue ON booking (venue_id)")
    booking.execute("ANALYZE booking")
    booking.execute("SET enable_bitmapscan = off")
    query = "SELECT * FROM booking WHERE venue_id = 40 AND status = 'Cancelled'"
    f = by_code(findings(booking, query), "index_scan_filter")
    assert f["node_type"] == "Index Scan" and f["evidence"]["index"] == "booking_venue"
    assert f["suggestion"] == "CREATE INDEX ON public.booking (venue_id, status);"
    booking.execute(f["suggestion"])
    booking.execute("ANALYZE booking")
    assert "index_scan_filter" not in codes(findings(booking, query))


def test_misestimate_bands_and_extended_statistics(small_thresholds, findings):
    db = small_thresholds
    db.execute("CREATE TABLE place (city int, zip int, region int, district int, quarter int)")
    db.execute(
        "INSERT INTO place SELECT i % 100, i % 100, i % 100, i % 20, i % 20 FROM generate_series(1, 100000) i"
    )
    db.execute("ANALYZE place")
    three = "SELECT * FROM place WHERE city = 1 AND zip = 1 AND region = 1"
    f = by_code(findings(db, three), "misestimate_1000x")
    assert f["evidence"]["estimate_direction"] == "under" and f["evidence"]["estimate_factor"] >= 1000
    assert f["suggestion"] == (
        "CREATE STATISTICS IF NOT EXISTS public.place_city_zip_region_stat ON city, zip, region "
        "FROM public.place; ANALYZE public.place;"
    )
    # 20 values each, always equal: 1/400 of the rows expected, 1/20 found
    two = by_code(findings(db, "SELECT * FROM place WHERE district = 1 AND quarter = 1"), "misestimate_10x")
    assert 10 <= two["evidence"]["estimate_factor"] < 100
    db.execute(f["suggestion"])
    assert not {c for c in codes(findings(db, three)) if c.startswith("misestimate")}


def test_sort_spill_needs_more_work_mem(booking, findings):
    booking.execute("SET work_mem = '64kB'")
    query = "SELECT * FROM booking ORDER BY total DESC"
    f = by_code(findings(booking, query), "sort_spill")
    assert f["evidence"]["sort_space_used_kb"] > 64
    assert f["suggestion"].startswith("SET work_mem = '")
    booking.execute(f["suggestion"])
    assert "sort_spill" not in codes(findings(booking, query))


def test_hash_batches_spill(small_thresholds, findings):
    db = small_thresholds
    db.execute("CREATE TABLE h1 AS SELECT i AS id, repeat('y', 50) AS pad FROM generate_series(1, 30000) i")
    db.execute("CREATE TABLE h2 AS SELECT i AS id, repeat('z', 50) AS pad FROM generate_series(1, 30000) i")
    db.execute("ANALYZE h1, h2")
    db.execute("SET work_mem = '64kB'")
    query = "SELECT * FROM h1 JOIN h2 USING (id)"
    f = by_code(findings(db, query), "hash_spill")
    assert f["node_type"] == "Hash" and f["evidence"]["hash_batches"] > 1
    db.execute(f["suggestion"])
    assert "hash_spill" not in codes(findings(db, query))


def test_lossy_bitmap_heap_scan(small_thresholds, findings):
    db = small_thresholds
    # few rows per page (fillfactor 10): a bitmap over many pages that 64 kB cannot hold exactly
    db.execute("CREATE TABLE event (id int, event_date date, pad text) WITH (fillfactor = 10)")
    db.execute(
        "INSERT INTO event SELECT i, date '2026-01-01' + i % 365, 'p' FROM generate_series(1, 40000) i"
    )
    db.execute("CREATE INDEX ON event (event_date)")
    db.execute("ANALYZE event")
    db.execute("SET work_mem = '64kB'")
    db.execute("SET enable_seqscan = off")
    db.execute("SET enable_indexscan = off")
    query = "SELECT count(pad) FROM event WHERE event_date < date '2026-10-01'"
    f = by_code(findings(db, query), "lossy_bitmap")
    assert f["evidence"]["lossy_blocks"] > 0
    db.execute("SET work_mem = '64MB'")
    assert "lossy_bitmap" not in codes(findings(db, query))


def test_nested_loop_over_costly_inner_side(small_thresholds, findings):
    db = small_thresholds
    db.execute("CREATE TABLE guest AS SELECT i AS id, i % 1500 AS wedding_id FROM generate_series(1, 1500) i")
    db.execute("CREATE TABLE wedding AS SELECT i AS id FROM generate_series(1, 1500) i")
    db.execute("ANALYZE guest, wedding")
    db.execute("SET enable_hashjoin = off")
    db.execute("SET enable_mergejoin = off")
    # Without a Materialize node the inner scan itself is re-run per outer row: its share of the
    # time is about 0.5, well clear of the rule's 0.3 (a Materialize inner side measured 0.39,
    # too close to the threshold on a loaded machine).
    db.execute("SET enable_material = off")
    query = "SELECT * FROM guest g JOIN wedding w ON w.id = g.wedding_id"
    f = by_code(findings(db, query), "nested_loop_many_loops")
    assert f["evidence"]["inner_loops"] >= 1000 and f["node_type"] == "Nested Loop"
    # plain EXPLAIN (no ANALYZE): loops are the outer side's estimated rows, the share is by cost
    f = by_code(findings(db, query, analyze=False), "nested_loop_many_loops")
    assert f["evidence"]["inner_loops"] >= 1000
    db.execute("RESET enable_hashjoin")
    assert "nested_loop_many_loops" not in codes(findings(db, query))
    assert "nested_loop_many_loops" not in codes(findings(db, query, analyze=False))


def test_cte_scanned_once_per_outer_row(booking, findings):
    booking.execute("SET enable_hashjoin = off")
    booking.execute("SET enable_mergejoin = off")
    query = (
        "WITH venue AS MATERIALIZED (SELECT DISTINCT venue_id AS id FROM booking) "
        "SELECT b.id, v.id FROM booking b LEFT JOIN venue v ON v.id = b.venue_id WHERE b.id <= 3000"
    )
    rows = findings(booking, query)
    f = by_code(rows, "repeated_subplan")
    assert f["node_type"] == "CTE Scan" and f["evidence"]["subplan"] == "CTE venue"
    assert f["evidence"]["loops"] >= 1000
    booking.execute("RESET enable_hashjoin")
    assert "repeated_subplan" not in codes(findings(booking, query))


def test_index_only_scan_with_heap_fetches_wants_vacuum(small_thresholds, findings):
    db = small_thresholds
    # The test cluster runs synchronous_commit = off: until the load's commit is flushed, VACUUM
    # cannot set its hint bits, and so cannot mark the pages all-visible.
    db.execute("SET synchronous_commit = on")
    db.execute("CREATE TABLE rsvp (guest_id int, pad text) WITH (autovacuum_enabled = off)")
    db.execute("INSERT INTO rsvp SELECT i, 'p' FROM generate_series(1, 20000) i")
    db.execute("CREATE INDEX ON rsvp (guest_id)")
    db.execute("ANALYZE rsvp")
    db.execute("SET enable_seqscan = off")
    db.execute("SET enable_bitmapscan = off")
    query = "SELECT guest_id FROM rsvp WHERE guest_id < 10000"
    f = by_code(findings(db, query), "index_only_heap_fetches")
    assert f["suggestion"] == "VACUUM (ANALYZE) public.rsvp;"
    assert f["evidence"]["heap_fetches"] >= 9999
    db.execute(f["suggestion"])
    assert "index_only_heap_fetches" not in codes(findings(db, query))


def test_parallel_workers_planned_but_not_launched(booking, findings):
    for setting in (
        "max_parallel_workers = 0",
        "max_parallel_workers_per_gather = 2",
        "parallel_setup_cost = 0",
        "parallel_tuple_cost = 0",
        "min_parallel_table_scan_size = 0",
    ):
        booking.execute(f"SET {setting}")
    query = "SELECT count(*) FROM booking"
    f = by_code(findings(booking, query), "workers_not_launched")
    assert f["evidence"]["workers_planned"] == 2 and f["evidence"]["workers_launched"] == 0
    booking.execute("SET max_parallel_workers = 4")
    assert "workers_not_launched" not in codes(findings(booking, query))


def test_jit_taking_most_of_the_time(booking, findings):
    if not booking.execute("SELECT pg_jit_available()").fetchone()[0]:
        pytest.skip("no JIT provider in this server")
    for setting in (
        "jit = on",
        "jit_above_cost = 0",
        "jit_inline_above_cost = 0",
        "jit_optimize_above_cost = 0",
    ):
        booking.execute(f"SET {setting}")
    query = "SELECT count(*), sum(total) FROM booking WHERE id < 100"
    f = by_code(findings(booking, query), "jit_overhead")
    assert f["node_id"] is None and f["evidence"]["jit_share"] >= 0.2
    booking.execute("SET jit = off")
    assert "jit_overhead" not in codes(findings(booking, query))


def test_function_on_column_suggests_an_expression_index(small_thresholds, findings):
    db = small_thresholds
    db.execute("CREATE TABLE guest (id int, email text)")
    db.execute("INSERT INTO guest SELECT i, 'Guest' || i || '@Example.com' FROM generate_series(1, 20000) i")
    db.execute("CREATE INDEX ON guest (email)")
    db.execute("ANALYZE guest")
    query = "SELECT * FROM guest WHERE lower(email) = 'guest77@example.com'"
    f = by_code(findings(db, query), "function_on_column")
    assert f["suggestion"] == "CREATE INDEX ON public.guest ((lower(email)));"
    assert "rewrite the condition" in f["message"]
    db.execute(f["suggestion"])
    db.execute("ANALYZE guest")
    rows = findings(db, query)
    assert "function_on_column" not in codes(rows) and "seq_scan_filter" not in codes(rows)
    plan = db.execute("SELECT wedopt.execute_explain_query(%s)", [query]).fetchone()[0]
    assert "guest_lower_idx" in json.dumps(plan)


def test_fulltext_search_suggests_a_gin_expression_index(small_thresholds, findings):
    db = small_thresholds
    db.execute("CREATE TABLE vendor (id int, description text)")
    db.execute(
        "INSERT INTO vendor SELECT i, (ARRAY['catering','music','photo','cake'])[1 + i % 4] || ' service ' || i "
        "FROM generate_series(1, 20000) i"
    )
    db.execute("UPDATE vendor SET description = 'elegant floral design' WHERE id % 2000 = 0")
    db.execute("ANALYZE vendor")
    query = "SELECT id FROM vendor v WHERE to_tsvector('english', v.description) @@ to_tsquery('english', 'floral')"
    rows = findings(db, query)
    f = by_code(rows, "fulltext_without_index")
    assert f["suggestion"] == (
        "CREATE INDEX ON public.vendor USING gin ((to_tsvector('english'::regconfig, description)));"
    )
    assert "function_on_column" not in codes(rows)
    db.execute(f["suggestion"])
    db.execute("ANALYZE vendor")
    rows = findings(db, query)
    assert "fulltext_without_index" not in codes(rows) and "seq_scan_filter" not in codes(rows)
    plan = json.dumps(db.execute("SELECT wedopt.execute_explain_query(%s)", [query]).fetchone()[0])
    assert "Bitmap Index Scan" in plan and "vendor_to_tsvector_idx" in plan


def test_leading_wildcard_like_suggests_trigram_index(small_thresholds, findings):
    db = small_thresholds
    db.execute("CREATE TABLE vendor (id int, description text)")
    db.execute(
        "INSERT INTO vendor SELECT i, (ARRAY['catering','music','photo','cake'])[1 + i % 4] || ' service ' || i "
        "FROM generate_series(1, 20000) i"
    )
    db.execute("UPDATE vendor SET description = 'elegant floral design' WHERE id % 2000 = 0")
    db.execute("ANALYZE vendor")
    query = "SELECT * FROM vendor WHERE description ILIKE '%floral%'"
    f = by_code(findings(db, query), "leading_wildcard_like")
    assert "gin_trgm_ops" in f["suggestion"] and f["evidence"]["column"] == "description"
    db.execute(f["suggestion"])
    db.execute("ANALYZE vendor")
    assert "leading_wildcard_like" not in codes(findings(db, query))


def test_large_offset_and_keyset_paging(booking, findings):
    f = by_code(findings(booking, "SELECT * FROM booking ORDER BY id LIMIT 10 OFFSET 5000"), "large_offset")
    assert f["node_type"] == "Limit" and f["evidence"]["rows_skipped"] == 5000
    rows = findings(booking, "SELECT * FROM booking WHERE id > 5000 ORDER BY id LIMIT 10")
    assert "large_offset" not in codes(rows)
    assert not [
        r for r in rows if r["code"].startswith("misestimate")
    ]  # early stop under Limit is no misestimate


def test_subplan_executed_per_row(booking, findings):
    booking.execute(
        "CREATE TABLE payment AS SELECT i AS id, i % 3000 AS booking_id FROM generate_series(1, 6000) i"
    )
    booking.execute("ANALYZE payment")
    query = "SELECT b.id, (SELECT count(*) FROM payment p WHERE p.booking_id = b.id) FROM booking b WHERE b.id <= 2000"
    rows = findings(booking, query)
    f = by_code(rows, "repeated_subplan")
    assert f["evidence"]["loops"] == 2000
    # the inner seq scan's filter compares with an outer column: still an index candidate
    inner = [r for r in rows if r["code"] == "seq_scan_filter" and r["relation"] == "public.payment"]
    assert not inner or inner[0]["suggestion"] in (None, "CREATE INDEX ON public.payment (booking_id);")
    rewritten = (
        "SELECT b.id, count(p.id) FROM booking b LEFT JOIN payment p ON p.booking_id = b.id "
        "WHERE b.id <= 2000 GROUP BY b.id"
    )
    assert "repeated_subplan" not in codes(findings(booking, rewritten))


def test_planning_time_dominating(small_thresholds, findings):
    db = small_thresholds
    db.execute("SELECT wedopt.set_setting('diagnose.planning_min_ms', '0.5')")
    tables = [f"t{i}" for i in range(12)]
    for t in tables:
        db.execute(f"CREATE TABLE {t} (id int PRIMARY KEY, v int)")
    joins = " ".join(f"JOIN {t} ON {t}.id = t0.v" for t in tables[1:])
    query = f"SELECT * FROM t0 {joins} WHERE t0.id = 1"
    f = by_code(findings(db, query), "planning_dominates")
    assert f["evidence"]["planning_share"] >= 0.5
    assert "planning_dominates" not in codes(findings(db, "SELECT count(*) FROM generate_series(1, 200000)"))


def test_hotspots_and_per_node_figures(booking, findings):
    rows = findings(booking, "SELECT venue_id, count(*) FROM booking GROUP BY venue_id ORDER BY 2 DESC")
    slowest = by_code(rows, "slowest_node")
    costliest = by_code(rows, "costliest_node")
    for f in (slowest, costliest):
        ev = f["evidence"]
        assert {"inclusive_ms", "exclusive_ms", "exclusive_cost", "estimate_factor", "loops"} <= set(ev)
        assert ev["exclusive_ms"] <= ev["inclusive_ms"] + 0.001
    assert 0 < slowest["evidence"]["time_share"] <= 1


def test_analyze_plan_accepts_a_plan_from_elsewhere_and_rejects_non_plans(booking):
    plan = booking.execute(
        "EXPLAIN (FORMAT JSON, ANALYZE) SELECT * FROM booking WHERE venue_id = 1"
    ).fetchone()[0]
    rows = booking.execute("SELECT code FROM wedopt.analyze_plan(%s::json)", [json.dumps(plan)]).fetchall()
    assert ("seq_scan_filter",) in rows
    for bad, state in (
        ("not json at all", "22P02"),
        ('{"foo": 1}', "22023"),
        ("[1, 2]", "22023"),
        ('[{"Plan": {"Node Type": "Seq Scan", "Plans": [{"no": "type"}]}}]', "22023"),
        ("42", "22023"),
    ):
        err = sql_error(booking, "SELECT * FROM wedopt.analyze_plan(%s)", [bad])
        clean_error(err, state)
    clean_error(sql_error(booking, "SELECT * FROM wedopt.analyze_plan(NULL::json)"), "22004")
