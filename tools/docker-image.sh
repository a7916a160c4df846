#!/usr/bin/env bash
# Build the test server's image (tests/docker/Dockerfile) for WEDOPT_TEST_BACKEND=docker and
# print its tag. Starts the engine and makes the base image first if need be
# (tools/ensure-docker.sh, tools/docker-base.sh). Docker's layer cache keeps a rebuild with
# unchanged packages to the copy of the sources and `make install`.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${WEDOPT_TEST_IMAGE:-wedopt-test:latest}
WHEELS=build/docker-wheels

tools/ensure-docker.sh
echo "wedopt: docker engine ready (${SECONDS}s)" >&2
base=$(tools/docker-base.sh)
echo "wedopt: base image $base ready (${SECONDS}s)" >&2

# The pinned runtime wheels, fetched with the host's pip (and its index settings), so the
# image installs them offline; fetched again only when the lock changes.
want=$(sha256sum python/requirements.lock | cut -d' ' -f1)
if [ "$(cat "$WHEELS/.lock.sha256" 2>/dev/null)" != "$want" ]; then
  rm -rf "$WHEELS" && mkdir -p "$WHEELS"
  /usr/bin/python3 -m pip download --quiet --disable-pip-version-check --no-deps \
    --only-binary=:all: -r python/requirements.lock -d "$WHEELS" >&2
  echo "$want" > "$WHEELS/.lock.sha256"
fi

echo "wedopt: docker build $IMAGE (FROM $base)" >&2
docker build --file tests/docker/Dockerfile --build-arg "BASE_IMAGE=$base" --tag "$IMAGE" . >&2
echo "wedopt: test image $IMAGE ready (${SECONDS}s)" >&2
echo "$IMAGE"
