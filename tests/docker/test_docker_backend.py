"""The docker backend (WEDOPT_TEST_BACKEND=docker): the server really runs in the container,
with the local harness's settings, and no container outlives its run, failed or killed."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import harness
from harness import docker as docker_backend

ROOT = Path(__file__).resolve().parents[2]
needs_docker = pytest.mark.skipif(
    not docker_backend.enabled(), reason="the docker backend's own tests: WEDOPT_TEST_BACKEND=docker"
)


def container_exists(container_id: str) -> bool:
    import docker
    from docker.errors import NotFound

    client = docker.from_env()
    try:
        client.containers.get(container_id)
        return True
    except NotFound:
        return False
    finally:
        client.close()


@needs_docker
def test_the_server_is_the_containers_with_the_harness_settings(cluster, db):
    assert isinstance(cluster, docker_backend.ContainerServer)
    assert db.execute("SHOW data_directory").fetchone()[0] == "/var/lib/postgresql/data"
    # The container's own address, not a socket on this host.
    assert db.execute("SELECT inet_server_addr() IS NOT NULL").fetchone()[0]
    for name, value in harness.SERVER_SETTINGS.items():
        if name not in docker_backend.LOCAL_ONLY_SETTINGS:
            assert db.execute("SELECT current_setting(%s)", [name]).fetchone()[0] == value.strip("'"), name
    version = db.execute("SELECT extversion FROM pg_extension WHERE extname = 'wedopt'").fetchone()[0]
    control = (ROOT / "control/wedopt.control.in").read_text()
    assert f"default_version = '{version}'" in control
    deadline = time.monotonic() + 30
    while not db.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'pg_cron launcher'"
    ).fetchone()[0]:
        assert time.monotonic() < deadline, "pg_cron's launcher did not start in the container"
        time.sleep(0.5)


@needs_docker
def test_the_container_is_removed_after_a_failing_run():
    child = subprocess.run(
        [sys.executable, "-m", "pytest", "-s", "-p", "no:cacheprovider", "tests/docker/failing_case.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert child.returncode == 1, child.stdout[-2000:]
    container_id = re.search(r"CONTAINER_ID=(\w+)", child.stdout).group(1)
    assert not container_exists(container_id)


@needs_docker
def test_the_container_of_a_killed_run_is_reaped_by_the_next():
    code = (
        "import time; from pathlib import Path; from harness.docker import docker_cluster\n"
        "with docker_cluster(Path.cwd()) as s:\n"
        "    print(s.container_id, flush=True); time.sleep(600)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        container_id = child.stdout.readline().strip()
        assert container_id and container_exists(container_id)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert container_exists(container_id)  # nothing cleaned up after a SIGKILL...
    import docker

    client = docker.from_env()
    try:
        assert container_id in docker_backend.reap_stale_containers(client)  # ...until the next run
    finally:
        client.close()
    assert not container_exists(container_id)


def test_the_local_base_image_uses_the_mirror_of_the_hosts_apt_sources(tmp_path):
    def mirror() -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(ROOT / "tools/docker-base.sh"), "--mirror"],
            env={**os.environ, "WEDOPT_APT_DIR": str(tmp_path)},
            capture_output=True,
            text=True,
            check=False,
        )

    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d/other.list.disabled").write_text("deb http://disabled/debian bookworm main\n")
    assert mirror().returncode == 1  # no source for bookworm: no mirror, and an error
    (tmp_path / "sources.list.d/debian.sources").write_text(
        "Types: deb\nURIs: http://trixie/debian\nSuites: trixie\n\n"
        "# a comment\nTypes: deb\nURIs: http://off/debian\nSuites: bookworm\nEnabled: no\n\n"
        "Types: deb-src deb\nURIs: http://deb822/debian\nSuites: bookworm-updates bookworm\n\n"
        "Types: deb\nURIs: http://later/debian\nSuites: bookworm\n"
    )
    assert mirror().stdout == "http://deb822/debian\n"
    (tmp_path / "sources.list").write_text(
        "# deb http://commented/debian bookworm main\n"
        "deb [arch=amd64 signed-by=/k.gpg] http://oneline/debian bookworm main\n"
    )
    assert mirror().stdout == "http://oneline/debian\n"  # sources.list is read first, as apt does
