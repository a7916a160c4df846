"""Kept for tests written before harness/ existed (`import pgcluster`): the cluster harness is
harness/cluster.py; new code imports `harness`."""

from harness.cluster import *  # noqa: F403
from harness.cluster import as_postgres as _as_postgres  # noqa: F401
