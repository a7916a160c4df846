"""Not collected (no test_ prefix): tests/docker/test_docker_backend.py runs it in a child
pytest under the docker backend, to see that a failing run removes its container."""


def test_fails_once_the_container_runs(cluster):
    print(f"CONTAINER_ID={cluster.container_id}", flush=True)
    raise AssertionError("fails on purpose")
