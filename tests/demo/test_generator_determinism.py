"""wedding.generate_data() gives the same rows for the same (scale, seed, as_of) on any day:
nothing in it reads the clock, no value depends on how many random values were drawn
before it, and the session's time zone and the plans do not matter either."""

import datetime
import re

import psycopg
import pytest
from expect import sql_error

from demo import data, measure

SCALE = 0.05
FAR = datetime.date(2031, 6, 1)
# Clock readers, and random() whose values depend on how many were drawn before.
CLOCK_OR_STREAM = re.compile(
    r"\b(current_date|current_time|current_timestamp|localtime|localtimestamp|now|clock_timestamp"
    r"|statement_timestamp|transaction_timestamp|timeofday|random|setseed)\b"
    r"|\bage\s*\(\s*[^,()]*\)",
    re.IGNORECASE,
)


def digest(conn) -> dict[str, tuple[int, str]]:
    """(rows, md5 of every row as text) of each demo table, rendered in UTC."""
    conn.execute("SET TimeZone = 'UTC'")
    out = {}
    for table in data.TABLES:
        out[table] = conn.execute(
            f"SELECT count(*), md5(string_agg(t::text, E'\\n' ORDER BY t::text)) FROM wedding.{table} AS t"
        ).fetchone()
    conn.execute("RESET TimeZone")
    return out


@pytest.fixture
def conn(cluster, empty_database):
    with psycopg.connect(cluster.conninfo(empty_database), autocommit=True) as connection:
        yield connection


def load_on(conn, timezone: str, as_of=data.AS_OF, **settings) -> tuple[datetime.date, dict]:
    """Load the demo with the session's current_date moved by its time zone (and planner
    settings changed): (current_date in that session, digest)."""
    conn.execute("SELECT set_config('TimeZone', %s, false)", [timezone])
    for name, value in settings.items():
        conn.execute("SELECT set_config(%s, %s, false)", [name, value])
    today = conn.execute("SELECT current_date").fetchone()[0]
    data.load(conn, SCALE, as_of=as_of)
    result = digest(conn)
    conn.execute("RESET ALL")
    return today, result


def test_same_scale_seed_and_as_of_give_the_same_rows_on_another_day(conn):
    # UTC+14 and UTC-12 are 26 hours apart: their dates always differ, by one or two days.
    east_day, east = load_on(conn, "Etc/GMT-14")
    # another day, and other plans: rows read in another order must not change any value
    west_day, west = load_on(conn, "Etc/GMT+12", enable_hashjoin="off", enable_sort="off")
    assert east_day != west_day
    assert set(east) == set(data.TABLES)
    assert all(n > 0 for n, _ in east.values())
    assert {t: d for t, d in west.items() if d != east[t]} == {}


def test_another_seed_gives_other_rows(conn):
    _, default_seed = load_on(conn, "UTC")
    data.load(conn, SCALE, seed=0.7, as_of=data.AS_OF)
    other = digest(conn)
    assert other["weddings"] != default_seed["weddings"]
    assert other["guests"] != default_seed["guests"]


def test_a_far_as_of_moves_the_dates_and_keeps_the_draws(conn):
    _, near = load_on(conn, "UTC")
    _, far = load_on(conn, "UTC", as_of=FAR)
    # the same draws: as many rows everywhere, whatever the reference date
    assert {t: n for t, (n, _) in far.items()} == {t: n for t, (n, _) in near.items()}
    first, last, future_bookings = conn.execute(
        "SELECT min(wedding_date), max(wedding_date),"
        " (SELECT count(*) FROM wedding.bookings WHERE booking_date > %s) FROM wedding.weddings",
        [FAR],
    ).fetchone()
    assert first >= datetime.date(FAR.year - 2, 1, 1)
    assert last <= datetime.date(FAR.year + 2, 1, 6)
    assert future_bookings == 0
    # statuses follow as_of: before it weddings are over, after it they are not
    statuses = dict(
        conn.execute(
            "SELECT wedding_date < %s, array_agg(DISTINCT status ORDER BY status) FROM wedding.weddings"
            " GROUP BY 1",
            [FAR],
        ).fetchall()
    )
    assert "Completed" in statuses[True] and set(statuses[True]) <= {"Cancelled", "Completed"}
    assert "Completed" not in statuses[False]
    due_later = conn.execute(
        "SELECT DISTINCT payment_status FROM wedding.payments WHERE payment_date > %s", [FAR]
    ).fetchall()
    assert ("Pending",) in due_later and set(due_later) <= {("Pending",), ("Refunded",)}
    # the workload counts from the same day: "the last year" of 2031 data has revenue
    queries = {q.name: q for q in measure.read_workload(as_of=FAR)}
    for name in ("monthly_revenue", "pending_payments", "rsvp_summary"):
        assert conn.execute(queries[name].sql).fetchall(), name


def test_the_generator_reads_no_clock_and_draws_from_no_stream(conn):
    data.load(conn, SCALE)
    sources = conn.execute(
        "SELECT p.oid::regprocedure::text, p.prosrc FROM pg_proc p"
        " WHERE p.pronamespace = 'wedding'::regnamespace"
    ).fetchall()
    assert {name for name, _ in sources} >= {
        "wedding.generate_data(numeric,double precision,date)",
        "wedding.draw(bigint,integer,bigint)",
    }
    for name, source in sources:
        assert CLOCK_OR_STREAM.findall(source) == [], name
    # "today" is an argument, current_date only its default, evaluated by the caller
    arguments = conn.execute(
        "SELECT pg_get_function_arguments(%s::regprocedure)",
        ["wedding.generate_data(numeric,double precision,date)"],
    ).fetchone()[0]
    assert arguments.endswith("as_of date DEFAULT CURRENT_DATE"), arguments


@pytest.mark.parametrize(
    ("arguments", "word"),
    [
        ("0.05, 0.42, NULL::date", "as_of"),
        ("0.05, 0.42, 'infinity'::date", "as_of"),
        ("0.05, 'NaN'::float8, '2026-06-01'", "seed"),
        ("0.05, NULL::float8, '2026-06-01'", "seed"),
    ],
)
def test_generator_refuses_a_bad_seed_or_as_of(conn, arguments, word):
    conn.execute(data.SCHEMA_SQL.read_text())
    conn.execute(data.GENERATE_SQL.read_text())
    err = sql_error(conn, f"SELECT * FROM wedding.generate_data({arguments})")
    assert err.diag.sqlstate == "22023"
    assert word in err.diag.message_primary
    assert err.diag.message_hint


def test_generator_refuses_a_schema_that_holds_data(conn):
    data.load(conn, SCALE)
    err = sql_error(conn, "SELECT * FROM wedding.generate_data(0.05)")
    assert err.diag.sqlstate == "55000"
    assert "schema.sql" in err.diag.message_hint
