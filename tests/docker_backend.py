"""WEDOPT_TEST_BACKEND=docker: the same tests against a container of tests/docker/Dockerfile,
run by testcontainers. The image comes from tools/docker-image.sh (which also starts the
engine and makes the base image); `make` runs it first and passes WEDOPT_TEST_IMAGE.

Loaded as a pytest plugin by tests/conftest.py: under this backend, tests marked
`local_only` (they read the server's files) are skipped, and the summary says how many."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pgcluster
import psycopg
import pytest

# Every container the tests start carries this label, valued host:pid of its pytest, so a
# run that was killed outright leaves nothing behind after the next run.
OWNER_LABEL = "org.wedopt.test.owner"
# Settings of the local harness that make no sense in a container (its port is mapped).
LOCAL_ONLY_SETTINGS = {"listen_addresses", "port", "unix_socket_directories"}
READY_SECONDS = 60


def enabled() -> bool:
    return os.environ.get("WEDOPT_TEST_BACKEND") == "docker"


@dataclass
class ContainerServer:
    host: str
    port: int
    container_id: str
    settings: dict = field(default_factory=dict)

    def conninfo(self, dbname: str = "postgres", user: str = "postgres") -> str:
        return f"host={self.host} port={self.port} dbname={dbname} user={user}"

    def env(self) -> dict:
        """Environment for the host's libpq tools (psql, pg_dump, pgbench), over TCP."""
        env = dict(os.environ)
        env.update(PGHOST=self.host, PGPORT=str(self.port), PGUSER="postgres")
        return env


def image_tag(root: Path) -> str:
    """The test image: WEDOPT_TEST_IMAGE when make built it already, else built now."""
    tag = os.environ.get("WEDOPT_TEST_IMAGE")
    if tag:
        return tag
    out = subprocess.run(
        [str(root / "tools/docker-image.sh")], check=True, stdout=subprocess.PIPE, text=True
    ).stdout
    return out.strip().splitlines()[-1]


def server_command() -> list[str]:
    """postgres with the local harness's settings (tests/pgcluster.py), one source for both."""
    command = ["/usr/lib/postgresql/15/bin/postgres", "-D", "/var/lib/postgresql/data"]
    for name, value in pgcluster.SERVER_SETTINGS.items():
        if name not in LOCAL_ONLY_SETTINGS:
            # postgresql.conf quoting ('a,b') is not wanted on the command line.
            command += ["-c", f"{name}={value.strip(chr(39))}"]
    return command


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_stale_containers(client) -> list[str]:
    """Remove test containers whose pytest (on this host) is gone; returns their ids."""
    removed = []
    host = socket.gethostname()
    for container in client.containers.list(all=True, filters={"label": OWNER_LABEL}):
        owner_host, _, pid = container.labels.get(OWNER_LABEL, "").rpartition(":")
        if owner_host == host and pid.isdigit() and not _pid_alive(int(pid)):
            container.remove(force=True)
            removed.append(container.id)
    return removed


@contextlib.contextmanager
def docker_cluster(root: Path):
    # Ryuk, testcontainers' reaper, is an image from Docker Hub: out of reach without a
    # registry. The context manager removes the container; reap_stale_containers the rest.
    os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")
    import docker
    from testcontainers.core.container import DockerContainer

    tag = image_tag(root)
    client = docker.from_env()
    try:
        reap_stale_containers(client)
    finally:
        client.close()
    container = (
        DockerContainer(tag)
        .with_exposed_ports(5432)
        .with_command(server_command())
        # Docker's default 64 MB /dev/shm is short for parallel query with 200 connections.
        .with_kwargs(labels={OWNER_LABEL: _owner()}, shm_size="256m")
    )
    with container:
        server = ContainerServer(
            container.get_container_host_ip(),
            int(container.get_exposed_port(5432)),
            container.get_container_id(),
            settings=dict(pgcluster.SERVER_SETTINGS),
        )
        deadline = time.monotonic() + READY_SECONDS
        while True:
            try:
                psycopg.connect(server.conninfo(), connect_timeout=2).close()
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    logs = container.get_wrapped_container().logs(tail=40).decode(errors="replace")
                    raise RuntimeError(f"the test container did not accept connections:\n{logs}") from None
                time.sleep(0.5)
        yield server


# ---- pytest plugin -----------------------------------------------------------------------
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
