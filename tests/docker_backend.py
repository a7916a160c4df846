"""The pytest plugin of the Docker backend (WEDOPT_TEST_BACKEND=docker; the server itself is
harness/docker.py). Loaded by tests/conftest.py: under this backend, tests marked `local_only`
(they read the server's files) are skipped, and the summary says how many; --wedopt-smoke
selects the core tests and one test per other area."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.docker import enabled

TESTS_DIR = Path(__file__).resolve().parent
# Areas whose every test the smoke run takes: the core, and this backend's own tests.
SMOKE_AREAS_ALL = {"core", "docker"}
SKIPPED_KEY = pytest.StashKey[int]()
# Node ids of the tests that passed in this session (logreport hooks get no config).
PASSED: set[str] = set()
SMOKE_KEY = pytest.StashKey[dict]()


def pytest_addoption(parser):
    parser.addoption(
        "--wedopt-smoke",
        action="store_true",
        help="run every test of tests/core and tests/docker, and one of each other area (tests/<area>/), "
        "and fail unless each of those areas had a test that passed (`make test-docker`)",
    )


def _area(item) -> str | None:
    try:
        parts = Path(item.path).resolve().relative_to(TESTS_DIR).parts
    except ValueError:
        return None
    return parts[0] if len(parts) > 1 else None


def _smoke_selection(items) -> tuple[list, list, dict]:
    """All of core, and per other area its first test that runs here, a quick one if any."""
    chosen: dict[str, object] = {}
    for item in items:
        area = _area(item)
        if area is None or area in SMOKE_AREAS_ALL or item.get_closest_marker("local_only"):
            continue
        best = chosen.get(area)
        if best is None or (best.get_closest_marker("slow") and not item.get_closest_marker("slow")):
            chosen[area] = item
    keep_ids = {id(i) for i in chosen.values()}
    selected, deselected = [], []
    for item in items:
        (selected if _area(item) in SMOKE_AREAS_ALL or id(item) in keep_ids else deselected).append(item)
    areas = {a: sorted(i.nodeid for i in selected if _area(i) == a) for a in {_area(i) for i in selected}}
    return selected, deselected, areas


def pytest_collection_modifyitems(config, items):
    if config.getoption("--wedopt-smoke"):
        selected, deselected, areas = _smoke_selection(items)
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = selected
        config.stash[SMOKE_KEY] = areas
    if enabled():
        skip = pytest.mark.skip(
            reason="local_only: needs the server's files, not run under the docker backend"
        )
        count = 0
        for item in items:
            if item.get_closest_marker("local_only"):
                item.add_marker(skip)
                count += 1
        config.stash[SKIPPED_KEY] = count


def pytest_runtest_logreport(report):
    if report.when == "call" and report.passed:
        PASSED.add(report.nodeid)


def pytest_report_header(config):
    if enabled():
        return "wedopt backend: docker (the server runs in a container of tests/docker/Dockerfile)"
    return None


def pytest_sessionfinish(session, exitstatus):
    areas = session.config.stash.get(SMOKE_KEY, None)
    if areas is None or exitstatus != 0:
        return
    idle = sorted(a for a, ids in areas.items() if not PASSED.intersection(ids))
    if idle:
        session.config.stash[SMOKE_KEY] = {"idle": idle}
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if enabled():
        count = config.stash.get(SKIPPED_KEY, 0)
        terminalreporter.write_line(f"wedopt docker backend: {count} local_only test(s) skipped")
    areas = config.stash.get(SMOKE_KEY, None)
    if areas is None:
        return
    if "idle" in areas:
        terminalreporter.write_line(
            f"wedopt smoke: no test passed in area(s) {', '.join(areas['idle'])}: FAILED", red=True
        )
    else:
        ran = {a: len(PASSED.intersection(ids)) for a, ids in areas.items()}
        terminalreporter.write_line(
            "wedopt smoke: passed per area: " + ", ".join(f"{a} {n}" for a, n in sorted(ran.items()))
        )
