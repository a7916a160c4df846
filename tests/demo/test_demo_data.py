"""The demo schema and its generator: keys without secondary indexes, and the skew the
generator promises (season, Saturdays, booking surge, big venues, Pareto guest counts)."""

import pytest
from expect import sql_error

from demo import data

TABLES = {
    "planners",
    "clients",
    "venues",
    "vendors",
    "weddings",
    "bookings",
    "payments",
    "events",
    "guests",
    "event_rsvp",
    "budgets",
    "expenses",
}


def one(conn, sql, params=None):
    return conn.execute(sql, params).fetchone()[0]


def test_schema_has_keys_but_no_secondary_indexes(demo_db):
    tables = {r[0] for r in demo_db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'wedding'")}
    assert tables == TABLES
    pkeys = one(
        demo_db,
        "SELECT count(*) FROM pg_constraint WHERE contype = 'p' AND connamespace = 'wedding'::regnamespace",
    )
    assert pkeys == len(TABLES)
    fkeys = demo_db.execute(
        "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint "
        "WHERE contype = 'f' AND connamespace = 'wedding'::regnamespace"
    ).fetchall()
    assert ("wedding.bookings", "wedding.weddings") in fkeys
    assert ("wedding.event_rsvp", "wedding.guests") in fkeys
    assert len(fkeys) == 14
    # Every index is a primary key's: nothing for wedopt's advisor to find already done.
    others = demo_db.execute(
        "SELECT indexrelid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
        "WHERE c.relnamespace = 'wedding'::regnamespace AND NOT i.indisprimary"
    ).fetchall()
    assert others == []


def test_every_foreign_key_holds(demo_db):
    """Each FK checked by an anti-join built from the catalog (all are single-column)."""
    fks = demo_db.execute(
        "SELECT conrelid::regclass::text, a.attname, confrelid::regclass::text, fa.attname "
        "FROM pg_constraint c "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
        "JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1] "
        "WHERE c.contype = 'f' AND c.connamespace = 'wedding'::regnamespace AND c.convalidated"
    ).fetchall()
    assert len(fks) == 14
    for table, column, ref, ref_column in fks:
        orphans = one(
            demo_db,
            f"SELECT count(*) FROM {table} t WHERE t.{column} IS NOT NULL "
            f"AND NOT EXISTS (SELECT FROM {ref} r WHERE r.{ref_column} = t.{column})",
        )
        assert orphans == 0, (table, column)
    # and every table has rows
    for table in TABLES:
        assert one(demo_db, f"SELECT count(*) > 0 FROM wedding.{table}"), table


def test_rows_follow_the_scale(demo_db):
    assert one(demo_db, "SELECT count(*) FROM wedding.weddings") == 500  # 10,000 x 0.05
    bookings = one(demo_db, "SELECT count(*) FROM wedding.bookings")
    assert 4_000 < bookings < 6_000  # about 100,000 x 0.05


def test_weddings_in_season_and_on_saturdays(demo_db):
    season, saturday, friday_sunday = demo_db.execute(
        "SELECT avg((extract(month FROM wedding_date) BETWEEN 4 AND 10)::int), "
        "avg((extract(dow FROM wedding_date) = 6)::int), "
        "avg((extract(dow FROM wedding_date) IN (0, 5))::int) FROM wedding.weddings"
    ).fetchone()
    assert season > 0.70  # uniform months would give 0.58
    assert saturday > 0.50  # uniform days would give 0.14
    assert friday_sunday > 0.20


def test_bookings_surge_in_winter_and_precede_the_wedding(demo_db):
    surge, before_event, future = demo_db.execute(
        "SELECT avg((extract(month FROM booking_date) IN (11, 12, 1, 2))::int), "
        "avg((booking_date < event_date)::int), count(*) FILTER (WHERE booking_date > %s) "
        "FROM wedding.bookings",
        [data.AS_OF],
    ).fetchone()
    assert surge > 0.5  # uniform months would give 0.33
    assert before_event == 1
    assert future == 0


def test_a_few_big_venues_take_most_weddings(demo_db):
    top5_share = one(
        demo_db,
        "SELECT sum(n)::float / (SELECT count(*) FROM wedding.weddings) FROM "
        "(SELECT count(*) AS n FROM wedding.weddings GROUP BY venue_id ORDER BY n DESC LIMIT 5) AS t",
    )
    assert top5_share > 0.4  # 5 of 15 venues at this scale; uniform would give 0.33
    assert one(demo_db, "SELECT capacity FROM wedding.venues WHERE venue_id = 1") > one(
        demo_db, "SELECT max(capacity) FROM wedding.venues WHERE venue_id > 5"
    )


def test_guest_counts_have_a_long_tail(demo_db):
    median, p99, smallest = demo_db.execute(
        "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY n), "
        "percentile_disc(0.99) WITHIN GROUP (ORDER BY n), "
        "min(n) FROM (SELECT count(*) AS n FROM wedding.guests GROUP BY wedding_id) AS t"
    ).fetchone()
    assert smallest >= 15
    assert p99 > 4 * median


@pytest.mark.parametrize(
    ("table", "column", "expected", "majority"),
    [
        ("bookings", "status", {"Pending", "Confirmed", "Completed", "Cancelled"}, "Completed"),
        ("payments", "payment_status", {"Pending", "Completed", "Failed", "Refunded"}, "Completed"),
        ("event_rsvp", "status", {"Accepted", "Declined", "Pending"}, "Accepted"),
        ("vendors", "status", {"Active", "Inactive"}, "Active"),
        ("events", "status", {"Scheduled", "Confirmed", "Cancelled"}, "Confirmed"),
    ],
)
def test_status_distributions(demo_db, table, column, expected, majority):
    shares = dict(
        demo_db.execute(
            f"SELECT {column}, count(*)::float / sum(count(*)) OVER () FROM wedding.{table} GROUP BY 1"
        ).fetchall()
    )
    assert set(shares) == expected
    assert max(shares, key=shares.get) == majority
    assert shares[majority] < 0.95  # a skew, not a constant


def test_no_venue_is_double_booked(demo_db):
    doubles = one(
        demo_db,
        "SELECT count(*) FROM (SELECT venue_id, event_date FROM wedding.bookings "
        "WHERE vendor_id IS NULL AND status <> 'Cancelled' GROUP BY 1, 2 HAVING count(*) > 1) AS d",
    )
    assert doubles == 0
    # ... although the generator did draw colliding dates and cancelled the later bookings
    assert (
        one(demo_db, "SELECT count(*) FROM wedding.bookings WHERE vendor_id IS NULL AND status = 'Cancelled'")
        > 0
    )


def test_vendor_descriptions_are_searchable_words(demo_db):
    hits = one(
        demo_db,
        "SELECT count(*) FROM wedding.vendors "
        "WHERE to_tsvector('english', description) @@ plainto_tsquery('english', 'floral')",
    )
    assert hits > 0
    words = one(demo_db, "SELECT description FROM wedding.vendors WHERE vendor_id = 1").split()
    assert len(words) > 10


def test_guest_emails_are_mixed_case_and_reproducible(demo_db):
    assert (
        one(demo_db, "SELECT email FROM wedding.guests WHERE guest_id = 1234")
        == "Isaac.Muller1234@Mail.example"
    )
    assert (
        one(demo_db, "SELECT email FROM wedding.clients WHERE client_id = 17") == "Isla.Kelly17@Example.com"
    )


@pytest.mark.parametrize("scale", [0, -1, 1001, None])
def test_generator_refuses_a_bad_scale(demo_db, scale):
    err = sql_error(demo_db, "SELECT * FROM wedding.generate_data(%s::numeric)", [scale])
    assert err.diag.sqlstate == "22023"
    assert "scale" in err.diag.message_primary
    assert err.diag.message_hint
