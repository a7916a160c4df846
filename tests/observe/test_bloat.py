"""get_table_bloat() / get_index_bloat() against the truth a rebuild gives (VACUUM FULL).

Truth = 1 - size after VACUUM FULL / size before (a table's size is its heap plus its TOAST
table; VACUUM FULL rebuilds the indexes too). Bloat is planted by deleting an even spread of
rows (a hash of their place, so VACUUM cannot truncate the file) and vacuuming."""

import pytest
from observe_helpers import findings

TOLERANCE = 3.0  # points of percent, per object


def as_dicts(conn, sql, params=None):
    cur = conn.execute(sql, params)
    cols = [c.name for c in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def estimates(db, schema):
    """{'table' or 'index' name: row} of wedopt's estimates in schema."""
    rows = {r["table_name"]: r for r in as_dicts(db, "SELECT * FROM wedopt.get_table_bloat(%s)", [schema])}
    rows |= {r["index_name"]: r for r in as_dicts(db, "SELECT * FROM wedopt.get_index_bloat(%s)", [schema])}
    return rows


def sizes(db, schema):
    """{name: bytes} of every table (heap + TOAST) and index in schema."""
    return dict(
        db.execute(
            "SELECT c.relname, pg_relation_size(c.oid) "
            "+ coalesce(pg_relation_size(nullif(c.reltoastrelid, 0)), 0) FROM pg_class c "
            "WHERE c.relnamespace = %s::regnamespace AND c.relkind IN ('r', 'i')",
            [schema],
        ).fetchall()
    )


def make(db, schema, table, columns, fill, rows, indexes, options=""):  # noqa: PLR0917 - one line per call
    db.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    with_ = "autovacuum_enabled = off" + (f", {options}" if options else "")
    db.execute(f"CREATE TABLE {schema}.{table} ({columns}) WITH ({with_})")
    db.execute(f"INSERT INTO {schema}.{table} SELECT {fill} FROM generate_series(1, {rows}) g")
    for name, definition in indexes.items():
        db.execute(f"CREATE INDEX {name} ON {schema}.{table} {definition}")
    db.execute(f"ANALYZE {schema}.{table}")


def plant(db, schema, table, percent):
    db.execute(f"DELETE FROM {schema}.{table} WHERE abs(hashtext(ctid::text)) % 100 < {percent}")
    db.execute(f"VACUUM {schema}.{table}")
    db.execute(f"ANALYZE {schema}.{table}")


def truth(db, schema, tables):
    """{name: points of percent} a VACUUM FULL of the tables gives back."""
    before = sizes(db, schema)
    for table in tables:
        db.execute(f"VACUUM FULL {schema}.{table}")
    after = sizes(db, schema)
    return {name: 100.0 * (1 - after[name] / before[name]) for name in before}


SHAPES = {
    # the (int, int, text) index read 21 % fresh: averaged widths, no alignment padding
    "int_int_text": (
        "a int, b int, c text",
        "g % 1000, g, repeat('x', g % 12)",
        {"s_abc": "(a, b, c)", "s_c": "(c)"},
        "",
    ),
    "mixed_alignment": (
        "s smallint, b bigint, f boolean, t timestamptz, i int, x text",
        "(g % 30000)::smallint, g, g % 2 = 0, timestamptz '2026-01-01' + g * interval '1 min', g, 'x' || g",
        {"s_b": "(b)", "s_t": "(t)", "s_i_x": "(i, x)"},
        "",
    ),
    "nullable": (
        "id int, a int, b text",
        "g, CASE WHEN g % 2 = 0 THEN g END, CASE WHEN g % 10 < 3 THEN NULL ELSE 'n' || g % 9000 END",
        {"s_a": "(a)", "s_b": "(b)"},
        "",
    ),
    "deduplicated": (
        "status text, n int, u uuid",
        "(ARRAY['booked', 'paid', 'cancelled', 'pending'])[1 + g % 4], g % 50, md5(g::text)::uuid",
        {"s_status": "(status)", "s_n": "(n)", "s_u": "(u)"},
        "",
    ),
    "fillfactor_70": (
        "id bigint, amount numeric, v text",
        "g, (abs(hashtext(g::text)) % 10000000) / 100.0, 'v' || g",
        {"s_id": "(id) WITH (fillfactor = 70)", "s_amount": "(amount)"},
        "fillfactor = 70",
    ),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_fresh_objects_read_under_two_percent(db, shape):
    columns, fill, indexes, options = SHAPES[shape]
    make(db, "fresh", "t", columns, fill, 30000, indexes, options)
    found = estimates(db, "fresh")
    assert set(found) == {"t", *indexes}
    for name, row in found.items():
        assert row["bloat_ratio"] < 0.02, (name, row)


def test_planted_bloat_is_seen_within_tolerance(db):
    make(
        db,
        "planted",
        "booking",
        "id int, guest int, status text, note text, paid_at timestamptz",
        "g, CASE WHEN g % 3 = 0 THEN NULL ELSE g END, (ARRAY['booked', 'paid', 'cancelled'])[1 + g % 3], "
        "repeat('n', g % 40), "
        "CASE WHEN g % 4 = 0 THEN NULL ELSE timestamptz '2026-01-01' + g * interval '1 s' END",
        40000,
        {
            "booking_id": "(id)",
            "booking_guest": "(guest)",  # a third null: the nulls deduplicate
            "booking_status": "(status)",  # three values: deduplicated
            "booking_paid_at": "(paid_at)",
            "booking_status_id": "(status, id)",
        },
    )
    make(
        db,
        "planted",
        "payment",
        "id bigint, amount numeric, ref uuid",
        "g, g * 0.25, md5(g::text)::uuid",
        40000,
        {},
    )
    plant(db, "planted", "booking", 45)
    plant(db, "planted", "payment", 70)
    found = estimates(db, "planted")
    real = truth(db, "planted", ["booking", "payment"])
    assert set(found) == set(real)
    off = {
        name: (float(row["bloat_ratio"]) * 100, round(real[name], 1))
        for name, row in found.items()
        if abs(100 * float(row["bloat_ratio"]) - real[name]) > TOLERANCE
    }
    assert off == {}  # {name: (estimate, truth)}
    assert real["booking_status"] > 30 and real["payment"] > 60  # the plant took


def test_toast_waste_is_counted(db):
    make(
        db,
        "toasted",
        "contract",
        "id int, body text",
        "g, (SELECT string_agg(md5(g::text || k), '') FROM generate_series(1, 70 + g % 110) k)",
        2000,
        {},
    )
    (fresh,) = as_dicts(db, "SELECT * FROM wedopt.get_table_bloat('toasted')")
    assert fresh["toast_bytes"] > 0.9 * fresh["real_bytes"] and fresh["bloat_ratio"] < 0.02
    plant(db, "toasted", "contract", 60)
    (row,) = as_dicts(db, "SELECT * FROM wedopt.get_table_bloat('toasted')")
    before = sizes(db, "toasted")["contract"]
    real = truth(db, "toasted", ["contract"])["contract"]
    wasted = before * real / 100
    # The waste is in the TOAST table (the heap is a few pages): it is counted, and flagged.
    assert abs(row["bloat_bytes"] - wasted) <= 0.05 * before
    assert row["toast_bloat_bytes"] > 0.9 * row["bloat_bytes"]
    assert abs(100 * float(row["bloat_ratio"]) - real) <= TOLERANCE


def test_toast_waste_is_flagged_by_check_health(db):
    db.execute("SELECT wedopt.set_setting('observe.bloat_min_bytes', '1048576')")
    make(
        db,
        "toasted",
        "contract",
        "id int, body text",
        "g, (SELECT string_agg(md5(g::text || k), '') FROM generate_series(1, 70 + g % 110) k)",
        2000,
        {},
    )
    assert "toasted.contract" not in findings(db, "table_bloat")
    plant(db, "toasted", "contract", 70)
    assert "toasted.contract" in findings(db, "table_bloat")
    db.execute("VACUUM FULL toasted.contract")
    db.execute("ANALYZE toasted.contract")
    assert "toasted.contract" not in findings(db, "table_bloat")
