"""`make bench [BENCH=name ...]`: run the benchmarks against a throwaway cluster.

Each benchmark is a module bench/bench_<name>.py with

    TITLE = "one line saying what is compared"
    def run(server: Server) -> Result

where ``Server`` gives connections to a fresh database with wedopt installed and
``Result`` is a table (columns, rows) plus free-form ``figures`` (ratios, targets met).
The runner prints each table and writes bench/results/<name>.json.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psycopg

import harness

ROOT = Path(__file__).resolve().parent.parent

RESULTS = ROOT / "bench" / "results"


@dataclass
class Result:
    columns: list[str]
    rows: list[list]
    figures: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class Server:
    cluster: harness.Cluster

    def new_database(self, with_wedopt: bool = True) -> str:
        name = f"bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(self.cluster.conninfo(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        if with_wedopt:
            with self.connect(name) as conn:
                conn.execute("CREATE EXTENSION wedopt CASCADE")
        return name

    def connect(self, dbname: str, autocommit: bool = True) -> psycopg.Connection:
        return psycopg.connect(self.cluster.conninfo(dbname), autocommit=autocommit)

    def conninfo(self, dbname: str) -> str:
        return self.cluster.conninfo(dbname)


def available() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in (ROOT / "bench").glob("bench_*.py"))


def print_table(result: Result) -> None:
    cells = [result.columns] + [[_fmt(v) for v in row] for row in result.rows]
    widths = [max(len(str(r[i])) for r in cells) for i in range(len(result.columns))]
    for n, row in enumerate(cells):
        print("  " + "  ".join(str(v).rjust(w) for v, w in zip(row, widths, strict=True)))
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))
    for key, value in result.figures.items():
        print(f"  {key}: {_fmt(value)}")
    for note in result.notes:
        print(f"  note: {note}")


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 100 else f"{value:.1f}"
    return str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all of {available()})")
    args = parser.parse_args(argv)
    names = args.names or available()
    unknown = sorted(set(names) - set(available()))
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; available: {available()}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    cluster = harness.create_cluster()
    try:
        server = Server(cluster)
        for name in names:
            module = importlib.import_module(f"bench.bench_{name}")
            print(f"\n== {name}: {module.TITLE}")
            started = time.monotonic()
            result = module.run(server)
            elapsed = time.monotonic() - started
            print_table(result)
            payload = {"name": name, "title": module.TITLE, "seconds": round(elapsed, 2), **asdict(result)}
            (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2, default=str) + "\n")
            print(f"  ({elapsed:.1f} s; bench/results/{name}.json)")
    finally:
        cluster.destroy()
    return 0


if __name__ == "__main__":
    sys.exit(main())
