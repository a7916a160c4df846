"""`python -m demo.run` end to end at a tiny scale, in its own throwaway cluster."""

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from demo import data, measure

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.local_only]


def run_demo(*args, timeout=300):
    return subprocess.run(
        [sys.executable, "-m", "demo.run", "--scale", "0.05", "--runs", "2", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_demo_reports_every_section_and_removes_its_server(tmp_path):
    report = tmp_path / "report.txt"
    result = run_demo("--report", str(report))
    assert result.returncode == 0, result.stderr[-3000:]
    text = report.read_text()
    assert text.strip() in result.stdout
    for title in (
        f"Demo database: schema wedding at scale 0.05, as of {data.AS_OF}",
        "Workload: 10 operator queries",
        "Slowest statements",
        "Health",
        "Table statistics",
        "Observe history",
        "Plan findings",
        "Index recommendations",
        "Applying them: the workload before and after",
        "Audit:",
        "Query lint",
    ):
        assert f"== {title}" in text, title
    # every wedopt section ran without error, compactly (no expanded records)
    assert "(failed" not in text
    assert "-[ " not in text
    assert re.search(r"health score \d+/100", text)
    # the audit section's own guest: its history is known, not generated
    assert re.search(r"\n    v1 INSERT by postgres at [\d:]+: wedding_id: 1, full_name: \"Ann Lee\"", text)
    assert re.search(r"\n    v2 UPDATE by postgres at [\d:]+: dietary_preference: null -> \"Vegan\"", text)
    slow = text.split("== Slowest statements")[1].split("\n\n")[0]
    names = "|".join(q.name for q in measure.read_workload())
    assert len(re.findall(rf"\n  (?:{names}) +SELECT ", slow)) >= 5, slow
    lint = text.split("== Query lint")[1].split("\n\n")[0]
    assert all(q in lint for q in ("guest_list", "vendor_search", "guest_email_lookup")), lint
    # no stand-in, no section for a function this build does not have
    assert "not available" not in text
    assert "hand-written" not in text
    table = text.split("the workload before and after")[1]
    assert re.search(r"guest_list\s+[\d.]+\s+[\d.]+\s+[\d.]+x", table)
    assert "(whole workload)" in table
    assert "FAILED" not in table
    assert "The server keeps running" not in text
    server_dir = re.search(r"throwaway server in (\S+) ", text)[1]
    assert not os.path.exists(server_dir)  # stopped and removed


def test_demo_keep_leaves_a_server_to_connect_to(tmp_path):
    result = run_demo("--keep", "--report", str(tmp_path / "report.txt"))
    assert result.returncode == 0, result.stderr[-3000:]
    connect = re.search(
        r"connect: \S+ '(host=\S+ port=\d+ dbname=wedding_demo user=postgres)'", result.stdout
    )
    stop = re.search(r"stop:    (.+)$", result.stdout, re.M)
    assert connect and stop, result.stdout[-2000:]
    try:
        with psycopg.connect(connect[1]) as conn:
            assert conn.execute("SELECT count(*) FROM wedding.weddings").fetchone()[0] == 500
    finally:
        stopped = subprocess.run(stop[1], shell=True, capture_output=True, text=True, check=False)  # noqa: S602
    assert stopped.returncode == 0, stopped.stderr
    host = re.search(r"host=(\S+)", connect[1])[1]
    assert not os.path.exists(host)
