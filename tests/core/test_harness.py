"""The throwaway cluster is gone after a failed run, and after a killed one."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import harness

ROOT = Path(__file__).resolve().parents[2]
# These prove the local harness (harness/cluster.py); tests/docker/ proves the docker backend's.
pytestmark = pytest.mark.local_only


def postmaster_running(root: Path) -> bool:
    out = subprocess.run(["ps", "-ww", "-eo", "args"], capture_output=True, text=True, check=True).stdout
    return str(root / "data") in out


@pytest.mark.slow
def test_cluster_is_removed_after_a_failing_test():
    child = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-s",
            "-p",
            "no:cacheprovider",
            "tests/harness_selftest/failing_case.py",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert child.returncode == 1, child.stdout[-2000:]
    root = Path(re.search(r"CLUSTER_ROOT=(\S+)", child.stdout).group(1))
    assert not root.exists()
    assert not postmaster_running(root)


@pytest.mark.slow
def test_cluster_of_a_killed_run_is_reaped_by_the_next():
    code = (
        "import time; import harness; "
        "c = harness.create_cluster(); print(c.root, flush=True); time.sleep(600)"
    )
    child = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    root = Path(child.stdout.readline().strip())
    try:
        assert postmaster_running(root)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert root.exists()  # nothing cleaned up after a SIGKILL...
    harness.reap_stale_clusters()  # ...until the next run starts
    deadline = time.monotonic() + 10
    while postmaster_running(root) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not root.exists()
    assert not postmaster_running(root)
