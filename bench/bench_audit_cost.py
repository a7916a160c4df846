"""Audit cost in CPU instructions: where an audited statement's time goes, free of machine noise.

The wall-clock benchmark (bench_audit) moves by 10-15 % from run to run on a shared 2-core
machine. This one counts instructions with valgrind's callgrind, which gives the same figure
on every run: the cluster is stopped, and `postgres --single` runs N statements of each kind
under callgrind, one transaction each, as a client's autocommit statements would. The cost of
a statement is (instructions for N statements - instructions for none) / N.

Besides wedopt's audit and the usual row-level trigger, two probes isolate the fixed costs
every statement-level audit trigger pays before it writes anything: a trigger with transition
tables whose function does nothing, and the same function as wedopt must declare it
(SECURITY DEFINER with a pinned search_path). Bulk statements (BULK_ROWS rows) give the cost
per audited row.
"""

from __future__ import annotations

import shutil
import subprocess

import harness
from bench.bench_audit import FILL, ROW_LEVEL, UPDATE, make_table
from bench.run import Result, Server

TITLE = (
    "audit cost in instructions (callgrind, postgres --single): per single-row statement and per row in bulk"
)

STATEMENTS = 400
BULK_ROWS = 5_000
PREFILL = 1_000

EMPTY_TRIGGERS = """
CREATE FUNCTION probe_empty_invoker() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RETURN NULL;
END $$;
CREATE FUNCTION probe_empty_definer() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN NULL;
END $$;
"""

# variant -> how its table is audited
VARIANTS = {
    "none": None,
    "empty trigger": "probe_empty_invoker",
    "empty trigger, definer": "probe_empty_definer",
    "wedopt": "wedopt",
    "row-level trigger": "row-level",
}


def _prepare(conn, name: str, how: str | None) -> None:
    """The audit bench's table and audit variant, or a probe's statement triggers, prefilled."""
    make_table(conn, name, how if how in ("wedopt", "row-level") else "none")
    if how is not None and how.startswith("probe_"):
        for event, ref in (
            ("INSERT", "NEW TABLE AS n"),
            ("UPDATE", "OLD TABLE AS o NEW TABLE AS n"),
        ):
            conn.execute(
                f"CREATE TRIGGER probe_{event.lower()} AFTER {event} ON {name} REFERENCING {ref} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {how}()"
            )
    conn.execute(FILL.format(name=name, rows=PREFILL))
    conn.execute(f"VACUUM ANALYZE {name}")


def _statements(name: str, op: str) -> str:
    if op == "insert":
        line = (
            f"INSERT INTO {name} (client_id, venue_id, vendor_id, booking_date, event_date, status, "
            "total_cost, note) VALUES ({i}, 7, 9, DATE '2026-05-01', DATE '2027-06-05', 'Pending', 1200, 'x')"
        )
    elif op == "update":
        line = f"UPDATE {name} SET status = 'Confirmed', total_cost = total_cost + 1 WHERE id = {{i}}"
    elif op == "bulk insert":
        return " ".join(FILL.format(name=name, rows=BULK_ROWS).split()) + "\n"
    else:
        # the rows the bulk insert added, after the prefill and the single-row inserts
        return UPDATE.format(name=name) + f" WHERE id > {PREFILL + STATEMENTS}\n"
    return "".join(line.format(i=1 + i % PREFILL) + "\n" for i in range(STATEMENTS))


def _instructions(server: Server, dbname: str, script: str) -> int:
    cluster = server.cluster
    cmd = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        str(harness.bindir() / "postgres"),
        "--single",
        "-D",
        str(cluster.datadir),
        "-c",
        "shared_preload_libraries=",
        dbname,
    ]
    out = subprocess.run(harness.as_postgres(cmd), input=script, capture_output=True, text=True, check=True)
    for line in out.stderr.splitlines():
        if "Collected :" in line:
            return int(line.rsplit(":", 1)[1])
    raise RuntimeError(f"callgrind printed no count:\n{out.stderr[-2000:]}")


def run(server: Server) -> Result:
    if shutil.which("valgrind") is None:
        return Result(columns=["skipped"], rows=[["valgrind is not installed (apt-get install valgrind)"]])
    dbname = server.new_database()
    names = {}
    with server.connect(dbname) as conn:
        conn.execute(ROW_LEVEL)
        conn.execute(EMPTY_TRIGGERS)
        conn.execute("SELECT * FROM wedopt.maintain_audit_log(false)")
        for n, (variant, how) in enumerate(VARIANTS.items()):
            names[variant] = f"cost_{n}"
            _prepare(conn, names[variant], how)
        conn.execute("CHECKPOINT")
    ops = ("insert", "update", "bulk insert", "bulk update")
    costs = {}
    server.cluster.stop()
    try:
        empty = _instructions(server, dbname, "")
        for op in ops:
            per = BULK_ROWS if op.startswith("bulk") else STATEMENTS
            for variant in VARIANTS:
                if op.startswith("bulk") and variant.startswith("empty"):
                    continue
                total = _instructions(server, dbname, _statements(names[variant], op))
                costs[(variant, op)] = (total - empty) / per
    finally:
        server.cluster.start()
    rows, figures = [], {}
    for op in ops:
        unit = "row" if op.startswith("bulk") else "statement"
        base = costs[("none", op)]
        for variant in VARIANTS:
            if (variant, op) not in costs:
                continue
            cost = costs[(variant, op)]
            rows.append(
                [
                    op,
                    variant,
                    f"per {unit}",
                    round(cost / 1000, 1),
                    round((cost - base) / 1000, 1),
                    round(cost / base, 2),
                ]
            )
            if variant != "none":
                figures[f"{variant} {op}: +k instructions per {unit}"] = round((cost - base) / 1000, 1)
    return Result(
        columns=["statement", "audit", "unit", "k instructions", "+k vs none", "ratio"],
        rows=rows,
        figures=figures,
        notes=[
            f"{STATEMENTS} single-row statements or one {BULK_ROWS}-row statement per figure, each its own "
            "transaction, in postgres --single under callgrind (same count on every run)",
            "empty trigger = statement-level trigger with transition tables whose function only returns; "
            "'definer' = the same declared SECURITY DEFINER SET search_path, as wedopt's must be",
        ],
    )
