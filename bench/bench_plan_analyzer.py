# ruff: noqa: E501 -- SQL texts and plan fixtures read better on one line
"""wedopt.analyze_plan on a synthetic 1,000-node EXPLAIN ANALYZE plan: in the server vs baselines."""

import json
import statistics
import sys
import time
from pathlib import Path

from bench.run import ROOT, Result, Server

TITLE = (
    "analyze_plan of a 1,000-node plan in the server (target well under 100 ms) vs json parse / pure Python"
)
NODES = 1000
ROUNDS = 25
FIRST_ROUNDS = 5
TRIVIAL = 'SELECT count(*) FROM wedopt.analyze_plan(\'[{"Plan": {"Node Type": "Result"}}]\')'

sys.path.insert(0, str(Path(ROOT) / "python"))
from wedopt.diagnose import plan as plan_module  # noqa: E402


def synthetic_plan(n_nodes: int = NODES) -> list:
    """A bushy plan: hash joins over filtered seq scans, sorts and index scans, with ANALYZE figures."""
    counter = [0]

    def scan(rel: str) -> dict:
        counter[0] += 1
        i = counter[0]
        return {
            "Node Type": "Seq Scan" if i % 3 else "Index Scan",
            "Parent Relationship": "Outer",
            "Relation Name": rel,
            "Schema": "public",
            "Alias": rel,
            "Startup Cost": 0.0,
            "Total Cost": 1000.0 + i,
            "Plan Rows": 100 + i,
            "Plan Width": 32,
            "Actual Startup Time": 0.01,
            "Actual Total Time": 5.0 + i % 7,
            "Actual Rows": 10 * (1 + i % 50),
            "Actual Loops": 1,
            "Filter": f"(({rel}.status = 'Cancelled'::text) AND ({rel}.venue_id = {i}) AND "
            f"(lower(({rel}.email)::text) ~~ '%floral%'::text))",
            "Rows Removed by Filter": 200000,
            "Index Name": f"{rel}_idx" if i % 3 == 0 else None,
            "Shared Hit Blocks": i,
            "Shared Read Blocks": i % 11,
        }

    def build(n: int) -> dict:
        if n <= 1:
            return scan(f"t{counter[0] % 40}")
        if n == 2:
            counter[0] += 1
            return {
                "Node Type": "Sort", "Parent Relationship": "Outer", "Startup Cost": 10.0, "Total Cost": 2000.0,
                "Plan Rows": 100, "Plan Width": 32, "Actual Startup Time": 1.0, "Actual Total Time": 12.0,
                "Actual Rows": 100, "Actual Loops": 1, "Sort Key": ["x"], "Sort Method": "external merge",
                "Sort Space Used": 20480, "Sort Space Type": "Disk", "Plans": [build(1)],
            }  # fmt: skip
        counter[0] += 1
        left = (n - 1) // 2
        right = n - 1 - left
        children = [build(left), build(right)]
        children[1]["Parent Relationship"] = "Inner"
        return {
            "Node Type": "Hash Join", "Parent Relationship": "Outer", "Startup Cost": 50.0,
            "Total Cost": 10000.0 + counter[0], "Plan Rows": 1000, "Plan Width": 64, "Actual Startup Time": 2.0,
            "Actual Total Time": 40.0, "Actual Rows": 150000, "Actual Loops": 1,
            "Hash Cond": "(a.id = b.id)", "Plans": children,
        }  # fmt: skip

    root = build(n_nodes)
    return [{"Plan": root, "Planning Time": 3.2, "Execution Time": 950.0, "Settings": {"work_mem": "4MB"}}]


def count_nodes(plan: list) -> int:
    stack, n = [plan[0]["Plan"]], 0
    while stack:
        d = stack.pop()
        n += 1
        stack.extend(d.get("Plans") or [])
    return n


def _median_ms(fn, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def run(server: Server) -> Result:
    plan = synthetic_plan()
    nodes = count_nodes(plan)
    text = json.dumps(plan)
    dbname = server.new_database()
    # First call in a new session: loads wedopt's Python (bootstrap) and imports the analyzer.
    first_calls, first_trivial = [], []
    for _ in range(FIRST_ROUNDS):
        with server.connect(dbname) as conn:
            t0 = time.perf_counter()
            conn.execute("SELECT count(*) FROM wedopt.analyze_plan(%s::json)", [text]).fetchone()
            first_calls.append((time.perf_counter() - t0) * 1000)
        with server.connect(dbname) as conn:
            t0 = time.perf_counter()
            conn.execute(TRIVIAL).fetchone()
            first_trivial.append((time.perf_counter() - t0) * 1000)
    with server.connect(dbname) as conn:
        conn.execute(TRIVIAL)
        findings = conn.execute("SELECT count(*) FROM wedopt.analyze_plan(%s::json)", [text]).fetchone()[0]
        in_server = _median_ms(
            lambda: conn.execute("SELECT count(*) FROM wedopt.analyze_plan(%s::json)", [text]).fetchone()
        )
        # Server-side only (no round trip): the function's own time from a timed loop in PL/pgSQL.
        server_only = conn.execute(
            """
            DO $$
            DECLARE t0 timestamptz; n int; plan json := %s;
            BEGIN
                t0 := clock_timestamp();
                FOR i IN 1..10 LOOP SELECT count(*) INTO n FROM wedopt.analyze_plan(plan); END LOOP;
                PERFORM set_config('bench.ms', (extract(epoch FROM clock_timestamp() - t0) * 100)::text, false);
            END $$
            """.replace("%s", "'" + text.replace("'", "''") + "'")
        )
        server_only = float(conn.execute("SELECT current_setting('bench.ms')").fetchone()[0])
        json_only = _median_ms(lambda: conn.execute("SELECT (%s::json) IS NOT NULL", [text]).fetchone())
    pure_python = _median_ms(lambda: plan_module.analyze(text))
    parse_only = _median_ms(lambda: json.loads(text))
    return Result(
        columns=["what", "median ms", "nodes"],
        rows=[
            [
                "analyze_plan, first call in a new session (bootstrap + import)",
                statistics.median(first_calls),
                nodes,
            ],
            [
                "analyze_plan of a 1-node plan, first call in a new session",
                statistics.median(first_trivial),
                1,
            ],
            ["analyze_plan in the server, warm (client round trip)", in_server, nodes],
            ["analyze_plan in the server, warm (PL/pgSQL loop, no round trip)", server_only, nodes],
            ["baseline: send + parse the json in the server", json_only, nodes],
            ["baseline: pure-Python analyzer outside the server", pure_python, nodes],
            ["baseline: json.loads alone (Python)", parse_only, nodes],
        ],
        figures={
            "findings": findings,
            "target met (server, no round trip < 100 ms)": server_only < 100,
            "server / pure-Python ratio": server_only / pure_python if pure_python else None,
            "analyzer / json.loads ratio": pure_python / parse_only if parse_only else None,
        },
    )
