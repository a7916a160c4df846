"""Write throughput of the demo's pgbench writer (booking + deposit + RSVP answer) on the
bare schema versus with the demo's reference indexes: what the read speed-ups cost writes."""

import os
import re
import subprocess

import harness
from bench.run import Result, Server
from demo import data, measure

TITLE = "demo writer (pgbench, 2 clients): tps without secondary indexes vs with the reference indexes"
SCALE = float(os.environ.get("WEDOPT_BENCH_WRITER_SCALE", "0.5"))
SECONDS = int(os.environ.get("WEDOPT_BENCH_WRITER_SECONDS", "10"))


def pgbench(server: Server, dbname: str) -> tuple[float, float]:
    """(tps, average latency ms) of a SECONDS-long run."""
    result = subprocess.run(
        [str(harness.bindir() / "pgbench"), "-n", "-f", str(data.DEMO_DIR / "writer.sql")]
        + ["-c", "2", "-j", "2", "-T", str(SECONDS), dbname],
        env=server.cluster.env(),
        capture_output=True,
        text=True,
        check=True,
    )
    tps = float(re.search(r"tps = ([\d.]+)", result.stdout)[1])
    latency = float(re.search(r"latency average = ([\d.]+) ms", result.stdout)[1])
    return tps, latency


def run(server: Server) -> Result:
    dbname = server.new_database(with_wedopt=False)
    with server.connect(dbname) as conn:
        data.load(conn, SCALE)
        data.vacuum_analyze(conn)
    bare = pgbench(server, dbname)
    with server.connect(dbname) as conn:
        applied = measure.apply_indexes(conn, measure.read_statements())
        conn.execute("CHECKPOINT")
    indexed = pgbench(server, dbname)
    return Result(
        columns=["schema", "tps", "latency ms"],
        rows=[["no secondary indexes", *bare], [f"{sum(a.ok for a in applied)} reference indexes", *indexed]],
        figures={"tps ratio (indexed / bare)": indexed[0] / bare[0]},
        notes=[f"scale {SCALE:g}, {SECONDS} s per run, demo/writer.sql"],
    )
