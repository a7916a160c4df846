#!/usr/bin/env bash
# A Docker engine for WEDOPT_TEST_BACKEND=docker, on Debian 12, if there is none:
#   - an engine that answers `docker info` (local or DOCKER_HOST) is used as it is;
#   - else Debian's docker.io is installed if dockerd is missing (the docker CLI alone,
#     e.g. a static /usr/local/bin/docker, brings no engine), and dockerd is started in the
#     background as root, with a bounded wait for its socket.
# Fast when the engine runs: one `docker info`.
set -euo pipefail

DOCKERD_LOG=${WEDOPT_DOCKERD_LOG:-/var/log/wedopt-dockerd.log}
WAIT_SECONDS=${WEDOPT_DOCKERD_WAIT:-60}

say() { echo "wedopt: $*" >&2; }

engine_up() { docker info >/dev/null 2>&1; }

apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    say "missing Debian packages: $*"
    say "HINT: run as root, or: sudo apt-get install $*"
    exit 1
  fi
  say "installing $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if command -v docker >/dev/null 2>&1 && engine_up; then
  exit 0
fi

# docker.io depends on containerd, runc and iptables, which dockerd needs.
command -v dockerd >/dev/null 2>&1 || apt_install docker.io
command -v docker >/dev/null 2>&1 || { say "docker.io installed no docker CLI"; exit 1; }

if [ -n "${DOCKER_HOST:-}" ]; then
  say "DOCKER_HOST=$DOCKER_HOST does not answer (docker info failed)"
  say "HINT: start that engine, or unset DOCKER_HOST to use a local dockerd"
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  say "no Docker engine runs, and dockerd must be started as root"
  say "HINT: sudo dockerd &   (or: sudo systemctl start docker)"
  exit 1
fi

# A dockerd that is running but does not answer (still starting): wait for it, do not start
# a second one on the same socket.
if ! pgrep -x dockerd >/dev/null 2>&1; then
  say "starting dockerd in the background (log: $DOCKERD_LOG)"
  mkdir -p "$(dirname "$DOCKERD_LOG")"
  # setsid: the daemon outlives this make run and is not killed with its process group.
  setsid dockerd >>"$DOCKERD_LOG" 2>&1 < /dev/null &
fi
for _ in $(seq "$WAIT_SECONDS"); do
  engine_up && exit 0
  sleep 1
done
say "dockerd did not answer within ${WAIT_SECONDS}s; the end of $DOCKERD_LOG:"
tail -n 20 "$DOCKERD_LOG" >&2 || true
exit 1
