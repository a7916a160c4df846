"""The Docker backend of the harness: a PostgreSQL server in a container of
tests/docker/Dockerfile, run by testcontainers, with the local cluster's settings. The image
comes from tools/docker-image.sh (which also starts the engine and makes the base image);
`make` runs it first and passes WEDOPT_TEST_IMAGE. The pytest side (the `local_only` marker,
the smoke selection) is tests/docker_backend.py."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from harness.cluster import SERVER_SETTINGS

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
    """postgres with the local harness's settings (harness/cluster.py), one source for both."""
    command = ["/usr/lib/postgresql/15/bin/postgres", "-D", "/var/lib/postgresql/data"]
    for name, value in SERVER_SETTINGS.items():
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
            settings=dict(SERVER_SETTINGS),
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
