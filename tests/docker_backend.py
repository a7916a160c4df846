"""WEDOPT_TEST_BACKEND=docker: the same tests against a container built from
tests/docker/Dockerfile with testcontainers (needs a running Docker engine)."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass

import psycopg


@dataclass
class ContainerServer:
    host: str
    port: int

    def conninfo(self, dbname: str = "postgres", user: str = "postgres") -> str:
        return f"host={self.host} port={self.port} dbname={dbname} user={user}"


@contextlib.contextmanager
def docker_cluster(root):
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.image import DockerImage

    image = DockerImage(path=str(root), dockerfile_path="tests/docker/Dockerfile", tag="wedopt-test")
    with image, DockerContainer(str(image)).with_exposed_ports(5432) as container:
        server = ContainerServer(container.get_container_host_ip(), int(container.get_exposed_port(5432)))
        deadline = time.monotonic() + 60
        while True:
            try:
                psycopg.connect(server.conninfo(), connect_timeout=2).close()
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield server
