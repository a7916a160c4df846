"""Load time of the demo data per scale (schema + set-based generator, then VACUUM ANALYZE).

Scales run by default: 0.1 and 1 (target: scale 1 in under a minute on 2 cores). Others with
WEDOPT_BENCH_DEMO_SCALES=0.1,1,10 — scale 100 reaches 10 million bookings (about 17 GB,
not run by default)."""

import os

import psycopg

from bench.run import Result, Server
from demo import data

TITLE = "demo data load time per scale (target: scale 1 < 60 s); rows per scale"
TARGET_SECONDS = 60
TEN_MILLION = 10_000_000


def scales() -> list[float]:
    return [float(s) for s in os.environ.get("WEDOPT_BENCH_DEMO_SCALES", "0.1,1").split(",") if s.strip()]


def run(server: Server) -> Result:
    rows, per_scale = [], {}
    for scale in scales():
        dbname = server.new_database(with_wedopt=False)
        try:
            with server.connect(dbname) as conn:
                counts, load_s = data.load(conn, scale)
                analyze_s = data.vacuum_analyze(conn)
                size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        finally:
            with psycopg.connect(server.cluster.conninfo(), autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {dbname}")
        total = sum(counts.values())
        per_scale[scale] = (counts, load_s)
        rows.append(
            [
                scale,
                counts["bookings"],
                counts["payments"],
                counts["guests"],
                counts["event_rsvp"],
                total,
                round(size / 2**20),
                load_s,
                analyze_s,
                round(total / load_s),
            ]
        )
    figures = {}
    largest = max(per_scale)
    counts, load_s = per_scale[largest]
    bookings_per_scale = counts["bookings"] / largest
    figures["bookings per unit of scale"] = round(bookings_per_scale)
    figures["scale reaching 10 million bookings"] = round(TEN_MILLION / bookings_per_scale)
    figures["load seconds at that scale (linear extrapolation)"] = round(
        load_s * TEN_MILLION / counts["bookings"]
    )
    if 1.0 in per_scale:
        figures["scale 1 load seconds"] = per_scale[1.0][1]
        figures[f"scale 1 under {TARGET_SECONDS} s"] = per_scale[1.0][1] < TARGET_SECONDS
    return Result(
        columns=[
            "scale",
            "bookings",
            "payments",
            "guests",
            "rsvps",
            "all rows",
            "MB",
            "load s",
            "vacuum analyze s",
            "rows/s",
        ],
        rows=rows,
        figures=figures,
        notes=["load = schema.sql + wedding.generate_data(scale), foreign keys checked row by row"],
    )
