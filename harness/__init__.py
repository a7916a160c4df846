"""The throwaway-cluster library of the tests, the demo and the benchmarks.

    from harness import create_cluster, create_standby, wait_for_replay, PgCron, create_partman

- harness.cluster: a local initdb cluster (create_cluster), a streaming hot standby of it
  (create_standby, wait_for_replay), the server settings both backends use (SERVER_SETTINGS);
- harness.docker: the same server in a container (WEDOPT_TEST_BACKEND=docker);
- harness.cron: pg_cron in background-worker mode: schedule a job in a database, wait for its run;
- harness.partman: pg_partman beside wedopt when the server has it.

Importable from the repository root: pytest puts the root on sys.path (pyproject.toml
`pythonpath`), `python -m demo.run` and `python -m bench.run` run from there.
"""

from harness.cluster import (
    PG_CONFIG,
    SERVER_SETTINGS,
    STANDBY_NAME,
    Cluster,
    as_postgres,
    bindir,
    create_cluster,
    create_standby,
    reap_stale_clusters,
    wait_for_replay,
)
from harness.cron import PgCron
from harness.partman import PartmanUnavailable, available_version, create_partman

__all__ = [
    "PG_CONFIG",
    "SERVER_SETTINGS",
    "STANDBY_NAME",
    "Cluster",
    "PartmanUnavailable",
    "PgCron",
    "as_postgres",
    "available_version",
    "bindir",
    "create_cluster",
    "create_partman",
    "create_standby",
    "reap_stale_clusters",
    "wait_for_replay",
]
