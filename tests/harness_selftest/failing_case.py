"""Run only by tests/core/test_harness.py, in a child pytest: a test that fails while the
session cluster is up, to show that the cluster is removed all the same."""


def test_fails_with_the_cluster_up(cluster, db):
    print(f"CLUSTER_ROOT={cluster.root}")
    assert db.execute("SELECT 1").fetchone()[0] == 2, "deliberate failure"
